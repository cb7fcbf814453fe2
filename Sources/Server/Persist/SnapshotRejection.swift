/// Why a snapshot file is not used (docs/warm-restart.md): a file is accepted whole or not at all. `reason` is
/// the text of the start-up warn line.
enum SnapshotRejection: Error, Equatable, Sendable {
    /// Cut short: no complete magic line, header line or trailer (a torn write, a full disk).
    case truncated
    /// The first line is not `EUREKA-SNAPSHOT <version>`: not a snapshot.
    case badMagic
    case unsupportedVersion(String)
    case badHeader(String)
    case badTrailer
    /// The trailer's body length differs from the body's.
    case lengthMismatch
    case crcMismatch
    /// The header's instance count differs from the number of body lines.
    case countMismatch(header: Int, lines: Int)
    /// Body line `line` (1-based) is not a snapshot entry.
    case badLine(Int, String)

    var reason: String {
        switch self {
        case .truncated: "truncated"
        case .badMagic: "not a snapshot file (bad magic line)"
        case .unsupportedVersion(let version): "format version \(version) not supported"
        case .badHeader(let why): "bad header: \(why)"
        case .badTrailer: "bad trailer"
        case .lengthMismatch: "body length mismatch"
        case .crcMismatch: "crc mismatch"
        case .countMismatch(let header, let lines): "header says \(header) instances, body has \(lines)"
        case .badLine(let line, let why): "body line \(line) does not decode: \(why)"
        }
    }
}
