import Glibc

/// The snapshot file on disk (docs/warm-restart.md): blocking POSIX calls, so only on the thread pool or before
/// the loop runs. A write replaces the file atomically: `<path>.tmp` written and fsynced, renamed over `<path>`,
/// the directory fsynced. A crash at any point leaves the previous complete file or the new one under `<path>`;
/// a `<path>.tmp` left by a crash is never read and is truncated by the next write.
enum SnapshotFile {
    enum ReadResult: Sendable, Equatable {
        case missing
        case bytes([UInt8])
        case unreadable(String)
    }

    static func temporaryPath(for path: String) -> String { path + ".tmp" }

    /// Writes `bytes` to `path` atomically; nil on success, else what failed (for the warn line).
    static func write(_ bytes: [UInt8], to path: String) -> String? {
        let temporary = temporaryPath(for: path)
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { return failure("open \(temporary)") }
        var written = 0
        let writeError: String? = bytes.withUnsafeBufferPointer { buffer in
            while written < buffer.count {
                let n = Glibc.write(fd, buffer.baseAddress! + written, buffer.count - written)
                if n < 0 {
                    if errno == EINTR { continue }
                    return failure("write \(temporary)")
                }
                written += n
            }
            return nil
        }
        if let writeError {
            close(fd)
            return writeError
        }
        if fsync(fd) != 0 {
            let error = failure("fsync \(temporary)")
            close(fd)
            return error
        }
        guard close(fd) == 0 else { return failure("close \(temporary)") }
        guard rename(temporary, path) == 0 else { return failure("rename \(temporary)") }
        return syncDirectory(of: path)
    }

    /// The rename is durable only once the directory's entry is on disk.
    private static func syncDirectory(of path: String) -> String? {
        let directory = directoryName(of: path)
        let fd = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { return failure("open \(directory)") }
        defer { close(fd) }
        return fsync(fd) == 0 ? nil : failure("fsync \(directory)")
    }

    static func read(_ path: String) -> ReadResult {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return errno == ENOENT ? .missing : .unreadable(failure("open \(path)")) }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let n = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                return .unreadable(failure("read \(path)"))
            }
            if n == 0 { return .bytes(bytes) }
            bytes.append(contentsOf: chunk[..<n])
        }
    }

    /// Why `path` cannot hold a snapshot (its directory missing or not writable, or it names a directory);
    /// nil when it can. Checked at start-up so a bad path is a configuration error, not a failure an hour later.
    static func problem(with path: String) -> String? {
        let directory = directoryName(of: path)
        var info = stat()
        guard stat(directory, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR else { return "directory \(directory) does not exist" }
        guard access(directory, W_OK | X_OK) == 0 else { return "directory \(directory) is not writable" }
        if stat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR { return "\(path) is a directory" }
        return nil
    }

    static func directoryName(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    private static func failure(_ what: String) -> String {
        "\(what): \(String(cString: strerror(errno)))"
    }
}
