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
                // Member names are matched in place: no string is made for a name.
                if skip(#""appName":"#) {
                    guard let value = scalar() else { return nil }
                    appName = value
                } else if skip(#""id":"#) {
                    guard let value = scalar() else { return nil }
                    id = value
                } else if skip(#""lastDirtyTimestamp":"#) {
                    guard let value = integer() else { return nil }
                    lastDirtyTimestamp = value
                } else if skip(#""status":"#) {
                    guard let value = scalar() else { return nil }
                    status = value
                } else if skip(#""overriddenStatus":"#) {
                    guard let value = scalar() else { return nil }
                    overriddenStatus = value
                } else if skip(#""action":"#) {
                    guard let known = knownAction() else { return nil }  // the general reader decides (an unknown name throws)
                    action = known
                } else {
                    return nil
                }
            } while skip(",")
            guard skip("}") else { return nil }
            var item = ReplicationItem(action: action, appName: ReplicationListCodec.upperCased(appName), id: id)
            item.lastDirtyTimestamp = lastDirtyTimestamp
            item.status = status
            item.overriddenStatus = overriddenStatus
            return item
        }

        /// The action names of spec 7.4, matched as bytes.
        mutating func knownAction() -> ReplicationItem.Action? {
            if skip(#""Heartbeat""#) { return .heartbeat }
            if skip(#""Cancel""#) { return .cancel }
            if skip(#""StatusUpdate""#) { return .statusUpdate }
            if skip(#""DeleteStatusOverride""#) { return .deleteStatusOverride }
            if skip(#""Register""#) { return .register }
            return nil
        }

        /// A plain decimal number (`lastDirtyTimestamp` as Jackson writes it) without making a string; anything else
        /// (a quoted or fractional value) goes through the lenient rules of 3.7 as its text.
        mutating func integer() -> Int64?? {
            let start = index
            var value: Int64 = 0
            while index < bytes.count, bytes[index] >= UInt8(ascii: "0"), bytes[index] <= UInt8(ascii: "9"), index - start < 18 {
                value = value * 10 + Int64(bytes[index] - UInt8(ascii: "0"))
                index += 1
            }
            if index > start, index < bytes.count, bytes[index] == UInt8(ascii: ",") || bytes[index] == UInt8(ascii: "}") {
                return .some(value)
            }
            index = start
            guard let text = scalar() else { return nil }
            return .some(LenientInput.integer(text))
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
