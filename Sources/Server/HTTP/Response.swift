/// One response. The connection serialises it; every response carries Content-Length (spec 1.8).
struct Response {
    var status: Int
    var contentType: ContentType?
    var body: ResponseBody
    var contentEncodingGzip = false
    /// `Allow` for 405 and OPTIONS.
    var allow: StaticString?
    /// `Retry-After` in seconds (a 503 of the overload guard).
    var retryAfterSeconds: Int?
    /// Which version of which document a shared body is: the connection layer bounds the memory that
    /// connections still writing superseded versions keep alive.
    var bodyVersion: BodyVersion?
    /// `WWW-Authenticate` for 401 (issue 18).
    var challenge: StaticString?
    /// `X-Eureka-Change-Sequence` of a delta while the change stream is on (docs/change-stream.md).
    var changeSequence: UInt64?
    /// Ends the connection after this response (errors that leave the stream in an unknown state).
    var closeConnection = false

    init(status: Int, contentType: ContentType? = nil, body: ResponseBody = .empty) {
        self.status = status
        self.contentType = contentType
        self.body = body
    }

    static func empty(_ status: Int) -> Response { Response(status: status) }

    enum ContentType: Sendable {
        case json, xml, html, text, prometheus

        var headerLine: StaticString {
            switch self {
            case .json: "Content-Type: application/json\r\n"
            case .xml: "Content-Type: application/xml\r\n"
            case .html: "Content-Type: text/html; charset=utf-8\r\n"
            case .text: "Content-Type: text/plain; charset=utf-8\r\n"
            case .prometheus: "Content-Type: text/plain; version=0.0.4; charset=utf-8\r\n"
            }
        }
    }
}

/// A version of a cached document: versions of one `lineage` (document, format, encoding) are ordered by
/// `sequence`, and a higher one supersedes the lower ones.
struct BodyVersion: Hashable, Sendable {
    var lineage: Int
    var sequence: UInt64
}

/// A body is either bytes made for this response or a shared immutable payload (a cached document),
/// which is never copied per reader.
enum ResponseBody {
    case empty
    case bytes([UInt8])
    case shared(SharedBytes)

    var count: Int {
        switch self {
        case .empty: 0
        case .bytes(let bytes): bytes.count
        case .shared(let shared): shared.count
        }
    }
}

/// The reason phrases of the codes this server produces (spec 1.9).
enum StatusLine {
    static func line(_ status: Int) -> StaticString {
        switch status {
        case 100: "HTTP/1.1 100 Continue\r\n"
        case 200: "HTTP/1.1 200 OK\r\n"
        case 204: "HTTP/1.1 204 No Content\r\n"
        case 400: "HTTP/1.1 400 Bad Request\r\n"
        case 401: "HTTP/1.1 401 Unauthorized\r\n"
        case 403: "HTTP/1.1 403 Forbidden\r\n"
        case 404: "HTTP/1.1 404 Not Found\r\n"
        case 405: "HTTP/1.1 405 Method Not Allowed\r\n"
        case 408: "HTTP/1.1 408 Request Timeout\r\n"
        case 409: "HTTP/1.1 409 Conflict\r\n"
        case 413: "HTTP/1.1 413 Payload Too Large\r\n"
        case 415: "HTTP/1.1 415 Unsupported Media Type\r\n"
        case 431: "HTTP/1.1 431 Request Header Fields Too Large\r\n"
        case 500: "HTTP/1.1 500 Internal Server Error\r\n"
        case 503: "HTTP/1.1 503 Service Unavailable\r\n"
        default: "HTTP/1.1 500 Internal Server Error\r\n"
        }
    }
}
