/// The two body formats of the protocol (spec 1.3, 1.4).
public enum WireFormat: Sendable {
    case json
    case xml
}

/// Full documents, or the smaller field set Netflix's mini codecs write for `X-Eureka-Accept: compact` (spec 3.11).
public enum Representation: Sendable {
    case full
    case compact
}

/// A body that cannot be decoded. The message is for logs only: the API always answers
/// `cannot parse request body` (spec 1.4), so callers never show it to clients.
public enum CodecError: Error, Equatable {
    case unparseable(String)
}
