import Server
print("eureka-server: not yet wired")
