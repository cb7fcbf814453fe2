import CMalloc
import ConfigYAML
import Glibc
import Server

/// Unbuffered writes: the port line must reach a parent process reading our stdout at once.
func say(_ text: String, fd: Int32 = 1) {
    var line = text + "\n"
    line.withUTF8 { _ = write(fd, $0.baseAddress, $0.count) }
}

// Load settings (flags, environment, config files), build the node, run it until SIGINT/SIGTERM; exit 2 on a bad
// setting. A write to a socket the peer already closed must fail with EPIPE, not kill the process: the
// process-wide disposition is the executable's to set, not the library's (an embedding host decides for itself).
signal(SIGPIPE, SIG_IGN)
// Allocations of 256 KiB and more are mapped and unmapped on their own, so the buffers of large registry documents
// (built on libuv's pool threads) go back to the system when freed instead of staying in the threads' heaps: at
// 100,000 instances with the four full-registry forms cached, RSS 4,730 instead of 5,328 bytes per instance and a
// build peak 39 MB lower (bench/RESULTS.md). glibc's default raises this threshold as large blocks are freed,
// up to 32 MiB. MALLOC_MMAP_THRESHOLD_ in the environment still wins. Process-wide, so the executable's choice.
if getenv("MALLOC_MMAP_THRESHOLD_") == nil { _ = mallopt(M_MMAP_THRESHOLD, 256 * 1024) }
// Likewise the executable's choice: after a mass cancellation the registry's freed records go back to the system
// (malloc_trim on the loop thread; see HeapTrim).
HeapTrim.afterLargeReleases = true
var arguments = Array(CommandLine.arguments.dropFirst())
if arguments.contains("--help") || arguments.contains("-h") {
    say(ConfigLoader.helpText)
    exit(0)
}
let printConfig = arguments.contains("--print-config")
arguments.removeAll { $0 == "--print-config" }
let loaded: LoadedConfig
do {
    loaded = try ConfigLoader.load(ConfigInputs(arguments: arguments, environment: ConfigLoader.processEnvironment(),
                                                yaml: YAMLDocuments.reader))
    do {
        try EurekaNode.validate(loaded.config)
        try loaded.config.security.check()
    } catch {
        throw loaded.locate(error)
    }
} catch {
    say("eureka-server: \(error)", fd: 2)
    exit(2)
}
for warning in loaded.warnings {
    say("eureka-server: warning: \(warning)", fd: 2)
}
if printConfig {
    say(loaded.report)
    exit(0)
}
let config = loaded.config
do {
    let node = try EurekaNode(config: config)
    try node.handleSignals()
    say("eureka-server listening on \(config.address) port \(node.port)")
    node.logStart(loaded)
    // This thread runs the loop: its scheduler slice is the executable's choice (Loop/LoopThreadSlice.swift).
    if config.loopSliceMicros > 0, LoopThreadSlice.apply(micros: config.loopSliceMicros).reported == nil {
        say("eureka-server: warning: eureka.node.loop-slice-us not applied (sched_setattr refused)", fd: 2)
    }
    node.run()
    exit(0)
} catch {
    say("eureka-server: cannot start: \(error)", fd: 2)
    exit(1)
}
