import Glibc

/// Immutable bytes shared by every reader of one cached payload version. A leaf type: the cache makes them,
/// HTTP sends them, and neither layer owns the other. The bytes live in memory this object owns, at an
/// address that never changes, so a connection can hand them to the kernel by reference (a second uv_buf_t)
/// instead of copying a multi-megabyte document per reader.
/// @unchecked Sendable: the storage is written once, in init, and only read afterwards.
final class SharedBytes: @unchecked Sendable {
    let count: Int
    let base: UnsafeMutableRawPointer

    init(_ bytes: [UInt8]) {
        adopted = nil
        fromMalloc = false
        count = bytes.count
        base = .allocate(byteCount: max(1, bytes.count), alignment: 16)
        bytes.withUnsafeBytes { if let source = $0.baseAddress { base.copyMemory(from: source, byteCount: bytes.count) } }
    }

    /// An encoded array kept as is when its buffer fits it closely: a never-mutated array held by this object
    /// keeps its elements at one address, so the 100 MB copy (and its transient double footprint) is spared.
    /// A buffer more than 1/16 larger than its bytes is copied to an exact one, so slack is never kept.
    private let adopted: [UInt8]?

    convenience init(adopting bytes: [UInt8]) {
        guard bytes.count > 0, bytes.capacity - bytes.count <= bytes.count / 16 else {
            self.init(bytes)
            return
        }
        self.init(keeping: bytes)
    }

    private init(keeping bytes: [UInt8]) {
        count = bytes.count
        base = UnsafeMutableRawPointer(mutating: bytes.withUnsafeBufferPointer { $0.baseAddress! })
        adopted = bytes
        fromMalloc = false
    }

    /// A built document kept where it was written: the buffer is trimmed to its bytes in place (see GrowableBytes),
    /// so neither a copy nor slack is kept.
    init(adopting buffer: consuming GrowableBytes) {
        let (block, count) = buffer.takeFitted()
        self.count = count
        base = UnsafeMutableRawPointer(block)
        adopted = nil
        fromMalloc = true
    }

    /// The block came from `malloc` (a GrowableBytes): freed with `free`, not `deallocate`.
    private let fromMalloc: Bool

    deinit {
        if fromMalloc {
            free(base)
        } else if adopted == nil {
            base.deallocate()
        }
    }

    var raw: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: base, count: count) }

    /// A copy, for tests and small consumers.
    var bytes: [UInt8] { Array(raw) }
}
