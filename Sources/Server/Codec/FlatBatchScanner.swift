import Glibc

/// Reads a peer's batch whose items are all flat (heartbeats, cancels, status changes: string and number members
/// only) by one scan, without building a JSON tree: in steady state nearly every batch is such a batch, and the
/// tree cost more than applying the items (bench/RESULTS.md, "Replication"). Exactly the compact JSON that our
/// sender and Netflix's write; anything else (a register's record, escapes, whitespace, `null`, an unknown
/// member) returns nil and the general reader decodes the body with the same rules.
enum FlatBatchScanner {
    static func items(_ body: [UInt8]) -> [ReplicationItem]? {
        body.withUnsafeBufferPointer { bytes in
            var scanner = Cursor(bytes: bytes)
            return scanner.batch()
        }
    }

    private struct Cursor {
        let bytes: UnsafeBufferPointer<UInt8>
        var index = 0

        mutating func skip(_ literal: StaticString) -> Bool {
            let count = literal.utf8CodeUnitCount
            guard bytes.count - index >= count, memcmp(bytes.baseAddress! + index, literal.utf8Start, count) == 0 else { return false }
            index += count
            return true
        }

        mutating func batch() -> [ReplicationItem]? {
            guard skip(#"{"replicationList":["#) else { return nil }
            var items: [ReplicationItem] = []
            items.reserveCapacity(bytes.count / 96)
            if skip("]}") { return index == bytes.count ? items : nil }
            while true {
                guard let item = item() else { return nil }
                items.append(item)
                if skip(",") { continue }
                return skip("]}") && index == bytes.count ? items : nil
            }
        }

        /// `{"key":value,...}` with the members of spec 7.4's flat items.
        mutating func item() -> ReplicationItem? {
            guard skip("{") else { return nil }
            var appName = "", id = ""
            var action: ReplicationItem.Action?
            var lastDirtyTimestamp: Int64?
            var status: String?, overriddenStatus: String?
            if skip("}") { return ReplicationItem(action: nil, appName: "", id: "") }
            repeat {
                guard let key = string(), skip(":"), let value = scalar() else { return nil }
                switch key {
                case "appName": appName = value
                case "id": id = value
                case "lastDirtyTimestamp": lastDirtyTimestamp = LenientInput.integer(value)
                case "status": status = value
                case "overriddenStatus": overriddenStatus = value
                case "action":
                    guard let known = ReplicationItem.Action(rawValue: value) else { return nil }  // the general reader throws
                    action = known
                default: return nil
                }
            } while skip(",")
            guard skip("}") else { return nil }
            var item = ReplicationItem(action: action, appName: ReplicationListCodec.upperCased(appName), id: id)
            item.lastDirtyTimestamp = lastDirtyTimestamp
            item.status = status
            item.overriddenStatus = overriddenStatus
            return item
        }

        /// A string without escapes or control bytes, or a number literal, as its text.
        mutating func scalar() -> String? {
            if index < bytes.count, bytes[index] == UInt8(ascii: "\"") { return string() }
            let start = index
            if index < bytes.count, bytes[index] == UInt8(ascii: "-") { index += 1 }
            while index < bytes.count, bytes[index] >= UInt8(ascii: "0"), bytes[index] <= UInt8(ascii: "9") { index += 1 }
            guard index > start else { return nil }
            return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
        }

        mutating func string() -> String? {
            guard skip("\"") else { return nil }
            let start = index
            while index < bytes.count {
                let byte = bytes[index]
                if byte == UInt8(ascii: "\"") {
                    defer { index += 1 }
                    return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
                }
                if byte == UInt8(ascii: "\\") || byte < 0x20 { return nil }
                index += 1
            }
            return nil
        }
    }
}
