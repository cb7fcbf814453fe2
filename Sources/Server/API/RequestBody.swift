/// Turns a request body into decodable bytes and a format (spec 1.4): Content-Type picks JSON or XML,
/// `Content-Encoding: gzip` is inflated, anything else is 415.
enum RequestBody {
    enum Failure: Error {
        case unsupportedMediaType, tooLarge, undecodable

        /// 415, 413 or 400 with the error body of spec 1.9.
        func response(json: Bool) -> Response {
            switch self {
            case .unsupportedMediaType: EurekaAPI.error(415, "unsupported media type", json: json)
            case .tooLarge: EurekaAPI.error(413, "request body too large", json: json)
            case .undecodable: EurekaAPI.error(400, "cannot parse request body", json: json)
            }
        }
    }

    /// The body's format from Content-Type and Content-Encoding alone (also asked before the body arrives);
    /// nil means 415.
    static func format(of request: Request) -> (format: WireFormat, gzipped: Bool)? {
        guard let contentType = request.header("Content-Type") else { return nil }
        let format: WireFormat
        if ASCII.contains(contentType, "json") {
            format = .json
        } else if ASCII.contains(contentType, "xml") {
            format = .xml
        } else {
            return nil
        }
        if ASCII.contains(contentType, "charset"), !ASCII.contains(contentType, "utf-8"), !ASCII.contains(contentType, "iso-8859-1") {
            return nil
        }
        guard let encoding = request.header("Content-Encoding"), !ASCII.equalsIgnoringCase(encoding, "identity") else {
            return (format, false)
        }
        return ASCII.equalsIgnoringCase(encoding, "gzip") ? (format, true) : nil
    }

    static func read(_ request: Request, maxBytes: Int) -> Result<(bytes: [UInt8], format: WireFormat), Failure> {
        guard let (format, gzipped) = format(of: request) else { return .failure(.unsupportedMediaType) }
        guard gzipped else { return .success((request.body, format)) }
        switch Gzip.inflate(request.body, limit: maxBytes) {
        case .bytes(let inflated): return .success((inflated, format))
        case .tooLarge: return .failure(.tooLarge)
        case .invalid: return .failure(.undecodable)
        }
    }

    /// The error format of a body problem follows the request's Content-Type (spec 1.9).
    static func errorIsJSON(_ request: Request) -> Bool {
        request.header("Content-Type", contains: "json") || (request.header("Content-Type") == nil && Negotiation.prefersJSON(request))
    }
}
