import CLibUV

/// Handle structs start with uv_handle_t's fields; C reads them, Swift only re-types the pointer.
@inline(__always)
func asHandle<T>(_ p: UnsafeMutablePointer<T>) -> UnsafeMutablePointer<uv_handle_t> { .init(OpaquePointer(p)) }

@inline(__always)
func asStream<T>(_ p: UnsafeMutablePointer<T>) -> UnsafeMutablePointer<uv_stream_t> { .init(OpaquePointer(p)) }

/// The object in handle->data, borrowed (+0) for the callback's duration.
@inline(__always)
func owner<Owner: AnyObject>(of handle: UnsafeMutablePointer<some Any>?, as _: Owner.Type) -> Owner {
    Unmanaged<Owner>.fromOpaque(uv_handle_get_data(asHandle(handle!))!).takeUnretainedValue()
}

/// A negative libuv status code with its text, thrown at the libuv edge only.
struct UVError: Error, CustomStringConvertible, Equatable, Sendable {
    let code: Int32
    init(code: Int32) { self.code = code }
    var description: String { String(cString: uv_strerror(code)) }

    /// `rc` is a libuv return value: negative means failure.
    static func check(_ rc: Int32) throws(UVError) {
        if rc < 0 { throw UVError(code: rc) }
    }
}
