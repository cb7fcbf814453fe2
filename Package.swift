// swift-tools-version:6.0
import PackageDescription

// One library target holds all the logic (Sources/Server); the executable and the tests sit on top of it.
// The three C libraries come from Debian packages; no Swift package dependency is needed on the hot path.
// Yams reads application.yml at start-up, in a target of its own (ConfigYAML) that only the executable links:
// the embeddable library stays free of it and of the Foundation it brings.
let package = Package(
    name: "eureka-swift",
    products: [
        .executable(name: "eureka-server", targets: ["eureka-server"]),
        .library(name: "EurekaServer", type: .dynamic, targets: ["Server"]),
    ],
    dependencies: [
        .package(url: "https://github.com/jpsim/Yams", from: "5.0.1"),
    ],
    targets: [
        .systemLibrary(name: "CLibUV", pkgConfig: "libuv", providers: [.apt(["libuv1-dev"])]),
        .systemLibrary(name: "CHTTPParser", providers: [.apt(["libhttp-parser-dev"])]),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        // The C embedding API's header (Sources/Server/Embed/eureka_server.h), for the @c entry points.
        .systemLibrary(name: "CEurekaServer"),
        // glibc's malloc.h: the executable's allocator settings (mallopt), the registry's heap trim after mass
        // cancellations (malloc_trim), the tests' heap accounting.
        .systemLibrary(name: "CMalloc"),
        .target(
            name: "Server",
            dependencies: ["CLibUV", "CHTTPParser", "CZlib", "CEurekaServer", "CMalloc"],
            // The C library's contract and packaging, used by scripts/clib.sh, not compiled here.
            exclude: ["Embed/eureka_server.h", "Embed/eureka-server.pc.in", "Embed/eureka-server.map"],
            plugins: ["BuildInfoPlugin"]
        ),
        // Writes BuildInfo.swift (version, git commit) for /actuator/info before each build.
        .plugin(name: "BuildInfoPlugin", capability: .buildTool()),
        .target(name: "ConfigYAML", dependencies: ["Server", .product(name: "Yams", package: "Yams")]),
        .executableTarget(name: "eureka-server", dependencies: ["Server", "ConfigYAML", "CMalloc"]),
        .testTarget(name: "ServerTests", dependencies: ["Server", "ConfigYAML", "CMalloc"]),
        // libFuzzer targets over the decoders (Fuzz/README section in README.md): built by `make fuzz` with
        // -sanitize=fuzzer,address; a plain debug build replays inputs, a release build is a stub.
        .executableTarget(name: "eureka-fuzz", dependencies: ["Server"], path: "Fuzz/Harness"),
        // A host that owns its uv_loop_t and calls libuv itself. A target of its own: a test file importing
        // CLibUV hides Glibc's socket constants (SOCK_STREAM) from the other files compiled with it.
        .testTarget(name: "EmbeddingTests", dependencies: ["Server", "CLibUV"]),
    ],
    swiftLanguageModes: [.v6]
)
