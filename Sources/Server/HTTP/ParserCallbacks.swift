import CHTTPParser

/// One callback table for every request parser, immutable once built. A global C pointer is not
/// Sendable; this is where the project needs nonisolated(unsafe), and nowhere else.
nonisolated(unsafe) let requestParserCallbacks: UnsafeMutablePointer<http_parser_settings> = {
    let table = UnsafeMutablePointer<http_parser_settings>.allocate(capacity: 1)
    http_parser_settings_init(table)
    table.pointee.on_message_begin = { p in requestDecoder(p).messageBegin() }
    table.pointee.on_url = { p, at, n in requestDecoder(p).appendURL(at, n) }
    table.pointee.on_header_field = { p, at, n in requestDecoder(p).appendHeaderField(at, n) }
    table.pointee.on_header_value = { p, at, n in requestDecoder(p).appendHeaderValue(at, n) }
    table.pointee.on_headers_complete = { p in requestDecoder(p).headersComplete() }
    table.pointee.on_body = { p, at, n in requestDecoder(p).appendBody(at, n) }
    table.pointee.on_message_complete = { p in requestDecoder(p).messageComplete() }  // pauses the parser
    return table
}()

/// The parser never outlives its decoder, so the unretained reference is safe.
@inline(__always)
private func requestDecoder(_ p: UnsafeMutablePointer<http_parser>?) -> RequestDecoder {
    Unmanaged<RequestDecoder>.fromOpaque(p!.pointee.data).takeUnretainedValue()
}
