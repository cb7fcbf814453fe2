import Foundation
import Testing
@testable import Server

/// A scratch directory for snapshot files, removed with the value.
final class ScratchDirectory {
    let path: String

    init() throws {
        path = NSTemporaryDirectory() + "eureka-snapshot-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    func file(_ name: String) -> String { path + "/" + name }

    func contents(_ name: String) -> [UInt8]? {
        FileManager.default.contents(atPath: file(name)).map { Array($0) }
    }

    func put(_ name: String, _ bytes: [UInt8]) {
        FileManager.default.createFile(atPath: file(name), contents: Data(bytes))
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }
}

/// The atomic file write (docs/warm-restart.md): tmp file, fsync, rename, directory fsync.
@Suite struct SnapshotFileTests {
    @Test func writeReplacesTheFileWholeAndLeavesNoTemporary() throws {
        let dir = try ScratchDirectory()
        let path = dir.file("registry.snapshot")
        #expect(SnapshotFile.write(Array("first".utf8), to: path) == nil)
        #expect(SnapshotFile.write(Array("second".utf8), to: path) == nil)
        #expect(dir.contents("registry.snapshot") == Array("second".utf8))
        #expect(!FileManager.default.fileExists(atPath: path + ".tmp"))
        #expect(SnapshotFile.read(path) == .bytes(Array("second".utf8)))
    }

    @Test func aStaleTemporaryIsIgnoredByReadsAndOverwrittenByTheNextWrite() throws {
        let dir = try ScratchDirectory()
        let path = dir.file("s")
        let complete = SnapshotFormat.encode(SnapshotFormatTests.sample)
        #expect(SnapshotFile.write(complete, to: path) == nil)
        dir.put("s.tmp", Array(complete.prefix(100)) + Array(repeating: 0x41, count: 50_000))  // a crash mid-write
        #expect(SnapshotFile.read(path) == .bytes(complete))
        #expect(try SnapshotFormat.decode(complete, now: 0).records.count == 3)
        #expect(SnapshotFile.write(Array("next".utf8), to: path) == nil)
        #expect(dir.contents("s") == Array("next".utf8))
        #expect(!FileManager.default.fileExists(atPath: path + ".tmp"))
    }

    @Test func aMissingFileIsMissingNotAnError() throws {
        let dir = try ScratchDirectory()
        #expect(SnapshotFile.read(dir.file("none")) == .missing)
    }

    @Test func aFailedWriteSaysWhatFailedAndKeepsThePreviousFile() throws {
        let dir = try ScratchDirectory()
        let path = dir.file("s")
        #expect(SnapshotFile.write(Array("kept".utf8), to: path) == nil)
        try FileManager.default.createDirectory(atPath: path + ".tmp", withIntermediateDirectories: false)  // open fails
        let error = SnapshotFile.write(Array("lost".utf8), to: path)
        #expect(error?.hasPrefix("open ") == true)
        #expect(dir.contents("s") == Array("kept".utf8))
    }

    @Test func aLargeFileReadsBackWhole() throws {
        let dir = try ScratchDirectory()
        let big = (0..<3_000_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        #expect(SnapshotFile.write(big, to: dir.file("big")) == nil)
        #expect(SnapshotFile.read(dir.file("big")) == .bytes(big))
    }

    @Test func pathProblemsAreNamed() throws {
        let dir = try ScratchDirectory()
        #expect(SnapshotFile.problem(with: dir.file("ok")) == nil)
        #expect(SnapshotFile.problem(with: dir.file("missing/s"))?.contains("does not exist") == true)
        #expect(SnapshotFile.problem(with: dir.path)?.contains("is a directory") == true)
        #expect(SnapshotFile.directoryName(of: "s") == ".")
        #expect(SnapshotFile.directoryName(of: "/s") == "/")
        #expect(SnapshotFile.directoryName(of: "a/b/s") == "a/b")
    }
}
