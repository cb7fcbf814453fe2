import Glibc

/// What the blocking test clients (RawClient, SSEClient) share: finding a byte pattern in what they buffered, and
/// receiving more until a condition on the buffer holds.
enum SocketReading {
    enum Stop: Error { case closed, timeout }

    /// The index where `pattern` first starts in `bytes`.
    static func find(_ pattern: [UInt8], in bytes: [UInt8]) -> Int? {
        guard !pattern.isEmpty, bytes.count >= pattern.count else { return nil }
        for i in 0...(bytes.count - pattern.count) where bytes[i] == pattern[0] && Array(bytes[i..<(i + pattern.count)]) == pattern {
            return i
        }
        return nil
    }

    /// Receives, handing each chunk to `append`, until `done` gives a result; the socket's receive timeout surfaces
    /// as `.timeout`. (The clients' buffers stay theirs: `done` reads them between chunks.)
    static func fill(_ fd: Int32, until done: () -> Int?, append: (ArraySlice<UInt8>) -> Void) throws(Stop) -> Int {
        var scratch = [UInt8](repeating: 0, count: 65536)
        while true {
            if let result = done() { return result }
            let n = scratch.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n == 0 { throw .closed }
            if n < 0 { throw errno == EAGAIN ? .timeout : .closed }
            append(scratch[..<n])
        }
    }
}
