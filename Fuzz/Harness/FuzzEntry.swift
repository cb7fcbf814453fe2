// The fuzz targets reach the decoders' internal API, which `@testable import` opens only in debug builds
// (SwiftPM compiles those with -enable-testing); a release build gets a stub, see ReleaseStub below.
#if DEBUG
@testable import Server
import Glibc

/// Every target by the name `make fuzz` passes in FUZZ_TARGET, which is also its corpus folder's name.
enum FuzzTargets {
    static let all: [String: @Sendable (UnsafeRawBufferPointer) -> Void] = [
        "request": RequestDecoderFuzz.run,
        "response": ResponseDecoderFuzz.run,
        "instance-json": { InstanceCodecFuzz.run($0, format: .json) },
        "instance-xml": { InstanceCodecFuzz.run($0, format: .xml) },
        "replication": ReplicationBatchFuzz.run,
        "router": RouterFuzz.run,
    ]

    nonisolated(unsafe) static var selected: (@Sendable (UnsafeRawBufferPointer) -> Void)?

    static func select(_ name: String?) -> @Sendable (UnsafeRawBufferPointer) -> Void {
        guard let name, let target = all[name] else {
            let names = all.keys.sorted().joined(separator: ", ")
            printError("FUZZ_TARGET must be one of: \(names)\n")
            exit(2)
        }
        return target
    }
}

/// To stderr, unbuffered, so the line is out before a trap.
func printError(_ text: String) {
    var line = Array(text.utf8)
    if line.last != 10 { line.append(10) }
    _ = line.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
}

/// A broken invariant: the message names it, the trap makes libFuzzer save the input as a crash file.
func fuzzCheck(_ condition: @autoclosure () -> Bool, _ message: @autoclosure () -> String) {
    if !condition() {
        printError("fuzz invariant broken: \(message())\n")
        fatalError(message())
    }
}

#if FUZZING
// libFuzzer (linked by -sanitize=fuzzer) owns main and calls these two.
@_cdecl("LLVMFuzzerInitialize")
public func fuzzerInitialize(_ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>) -> CInt {
    FuzzTargets.selected = FuzzTargets.select(getenv("FUZZ_TARGET").map { String(cString: $0) })
    return 0
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzerTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    FuzzTargets.selected!(UnsafeRawBufferPointer(start: data, count: size))
    return 0
}
#else
/// Without libFuzzer (a plain debug build): `eureka-fuzz <target> <file>...` runs the target once over each
/// file, to replay a crash input or a corpus under the debugger without the sanitizer build.
@main
struct Replay {
    static func main() {
        let arguments = CommandLine.arguments.dropFirst()
        let target = FuzzTargets.select(arguments.first)
        for path in arguments.dropFirst() {
            guard let file = fopen(path, "rb") else {
                printError("cannot open \(path)\n")
                exit(1)
            }
            var bytes: [UInt8] = []
            var buffer = [UInt8](repeating: 0, count: 65_536)
            while true {
                let n = fread(&buffer, 1, buffer.count, file)
                if n <= 0 { break }
                bytes.append(contentsOf: buffer[0..<n])
            }
            fclose(file)
            bytes.withUnsafeBytes { target($0) }
        }
        print("replayed \(arguments.count - 1) input(s)")
    }
}
#endif
#else
/// Release builds (`swift build -c release` builds every product) cannot `@testable import`; the fuzzer is
/// built by `make fuzz` in debug with the sanitizers.
@main
struct ReleaseStub {
    static func main() { print("eureka-fuzz: build with `make fuzz` (debug, -sanitize=fuzzer,address)") }
}
#endif
