/// The two body formats of the protocol (spec 1.3, 1.4).
enum WireFormat: Sendable {
    case json
    case xml
}

/// Full documents, or the smaller field set Netflix's mini codecs write for `X-Eureka-Accept: compact` (spec 3.11).
enum Representation: Sendable {
    case full
    case compact
}

/// A body that cannot be decoded. The message is for logs only: the API always answers
/// `cannot parse request body` (spec 1.4), so callers never show it to clients.
enum CodecError: Error, Equatable {
    case unparseable(String)
    /// More values (JSON) or elements (XML) than the caller's budget: parsing stopped there, so a hostile body
    /// costs the loop the budget, not its size (issue #18: 70,000 metadata keys in 0.98 MB).
    case tooManyValues(limit: Int)
}

/// The Amazon metadata keys Netflix's mini codecs keep (`MINI_AMAZON_INFO_INCLUDE_KEYS`, spec 3.11).
enum AmazonCompactKeys {
    static let kept: Set<String> = ["instance-id", "public-ipv4", "public-hostname", "local-ipv4", "availability-zone"]

    static func filter(_ metadata: Metadata) -> Metadata {
        var kept = Metadata()
        for entry in metadata where Self.kept.contains(entry.key) { kept[entry.key] = entry.value }
        return kept
    }
}
