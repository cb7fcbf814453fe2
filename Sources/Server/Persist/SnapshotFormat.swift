/// The snapshot file, version 1 (docs/warm-restart.md): pure bytes in, bytes out, so every corruption case is a
/// unit test. Runs off the loop (the node hands it to the thread pool).
///
///     EUREKA-SNAPSHOT 1\n
///     {"createdAt":<ms>,"node":"<host:port>","instances":N}\n
///     N lines {"instance":{...},"override":"<STATUS>"}\n
///     END <body-bytes> <crc32-hex>\n
struct Snapshot: Sendable, Equatable {
    var createdAt: Int64
    var node: String
    var records: [PersistedRecord]
}

enum SnapshotFormat {
    static let magic = "EUREKA-SNAPSHOT"
    static let version = 1
    private static let newline = UInt8(ascii: "\n")

    // MARK: encode

    static func encode(_ snapshot: Snapshot) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(256 + snapshot.records.count * 1_200)
        out.append(contentsOf: "\(magic) \(version)\n".utf8)
        out.appendStatic("{\"createdAt\":")
        out.appendDecimal(snapshot.createdAt)
        out.appendStatic(",\"node\":")
        out.appendJSONString(snapshot.node)
        out.appendStatic(",\"instances\":")
        out.appendDecimal(snapshot.records.count)
        out.appendStatic("}\n")
        let bodyStart = out.count
        for record in snapshot.records {
            out.appendStatic("{\"instance\":")
            InstanceJSON.append(record.instance, representation: .full, to: &out)
            if let override = record.override {
                out.appendStatic(",\"override\":")
                out.appendJSONString(override.rawValue)
            }
            out.appendStatic("}\n")
        }
        let bodyLength = out.count - bodyStart
        let crc = SnapshotChecksum.crc32(out[bodyStart...])
        out.append(contentsOf: "END \(bodyLength) \(hex8(crc))\n".utf8)
        return out
    }

    private static func hex8(_ value: UInt32) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 8 - digits.count) + digits
    }

    // MARK: decode

    /// The whole snapshot, or why it is refused; never part of one. `now` stands in for absent timestamps, as
    /// in every other decode of an instance.
    static func decode(_ bytes: [UInt8], now: Int64) throws(SnapshotRejection) -> Snapshot {
        // The magic line: an incomplete prefix of it is a torn file, anything else a foreign one.
        guard let magicEnd = bytes.firstIndex(of: newline) else {
            let prefix = Array("\(magic) ".utf8)
            let seen = bytes.prefix(prefix.count)
            throw seen.elementsEqual(prefix.prefix(seen.count)) ? .truncated : .badMagic
        }
        let versionText = try version(of: bytes[..<magicEnd])
        guard versionText == String(version) else { throw .unsupportedVersion(versionText) }

        guard let headerEnd = bytes[(magicEnd + 1)...].firstIndex(of: newline) else { throw .truncated }
        let header = try decodeHeader(bytes[(magicEnd + 1)..<headerEnd])

        // The trailer is the last line; a file that does not end with one was cut short.
        guard bytes.last == newline, bytes.count - 1 > headerEnd else { throw .truncated }
        let trailerStart = (bytes[(headerEnd + 1)..<(bytes.count - 1)].lastIndex(of: newline) ?? headerEnd) + 1
        let (length, crc) = try decodeTrailer(bytes[trailerStart..<(bytes.count - 1)])
        let body = bytes[(headerEnd + 1)..<trailerStart]
        guard length == body.count else { throw .lengthMismatch }
        guard crc == SnapshotChecksum.crc32(body) else { throw .crcMismatch }

        var records: [PersistedRecord] = []
        records.reserveCapacity(header.instances)
        var lineStart = body.startIndex
        while lineStart < body.endIndex {
            let lineEnd = body[lineStart...].firstIndex(of: newline)!  // the body ends with a newline
            records.append(try decodeLine(body[lineStart..<lineEnd], number: records.count + 1, now: now))
            lineStart = lineEnd + 1
        }
        guard records.count == header.instances else { throw .countMismatch(header: header.instances, lines: records.count) }
        return Snapshot(createdAt: header.createdAt, node: header.node, records: records)
    }

    private static func version(of line: ArraySlice<UInt8>) throws(SnapshotRejection) -> String {
        let text = String(decoding: line, as: UTF8.self)
        guard text.hasPrefix(magic + " ") else { throw .badMagic }
        let version = text.dropFirst(magic.count + 1)
        guard !version.isEmpty, version.utf8.allSatisfy({ $0 > 32 && $0 < 127 }) else { throw .badMagic }
        return String(version)
    }

    private struct Header {
        var createdAt: Int64
        var node: String
        var instances: Int
    }

    private static func decodeHeader(_ line: ArraySlice<UInt8>) throws(SnapshotRejection) -> Header {
        let value: JSONValue
        do {
            value = try JSONReader.parse(Array(line))
        } catch {
            throw .badHeader("not JSON")
        }
        guard case .number(let created)? = value["createdAt"], let createdAt = Int64(created) else {
            throw .badHeader("no createdAt")
        }
        guard case .string(let node)? = value["node"] else { throw .badHeader("no node") }
        guard case .number(let count)? = value["instances"], let instances = Int(count), instances >= 0 else {
            throw .badHeader("no instances count")
        }
        return Header(createdAt: createdAt, node: node, instances: instances)
    }

    /// `END <length> <8 hex digits>`. A last line that is not a trailer at all means the file was cut short.
    private static func decodeTrailer(_ line: ArraySlice<UInt8>) throws(SnapshotRejection) -> (Int, UInt32) {
        let text = String(decoding: line, as: UTF8.self)
        guard text.hasPrefix("END ") else { throw .truncated }
        let parts = text.split(separator: " ", omittingEmptySubsequences: false)
        guard parts.count == 3, let length = Int(parts[1]), length >= 0, parts[2].count == 8,
              parts[2].allSatisfy({ $0.isHexDigit && !$0.isUppercase }), let crc = UInt32(parts[2], radix: 16)
        else { throw .badTrailer }
        return (length, crc)
    }

    private static func decodeLine(_ line: ArraySlice<UInt8>, number: Int, now: Int64) throws(SnapshotRejection) -> PersistedRecord {
        do {
            let value = try JSONReader.parse(Array(line))
            guard let instance = value["instance"] else { throw SnapshotRejection.badLine(number, "no instance") }
            let decoded = try InstanceJSON.decode(instance, now: now)
            var override: InstanceStatus?
            switch value["override"] {
            case nil, .null?: override = nil
            case .string(let text)?:
                guard let status = InstanceStatus(rawValue: text) else { throw SnapshotRejection.badLine(number, "bad override") }
                override = status
            default: throw SnapshotRejection.badLine(number, "bad override")
            }
            return PersistedRecord(instance: decoded.info, override: override)
        } catch let rejection as SnapshotRejection {
            throw rejection
        } catch {
            throw .badLine(number, "\(error)")
        }
    }
}
