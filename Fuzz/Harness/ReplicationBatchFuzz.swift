#if DEBUG
@testable import Server

/// A peer's batch body (and a peer's reply to ours): decoding never traps; the flat scanner, where it
/// accepts a body, reads it exactly as the general reader does; and what decodes survives our own sender's
/// encoding (encodeRequest, decode: the same items).
enum ReplicationBatchFuzz {
    static let now: Int64 = 1_700_000_000_000

    static func run(_ input: UnsafeRawBufferPointer) {
        let body = Array(input)
        checkBatch(body)
        checkReply(body)
    }

    private static func checkBatch(_ body: [UInt8]) {
        if let flat = FlatBatchScanner.items(body) {
            let tree: [ReplicationItem]
            do {
                tree = try ReplicationListCodec.decodeTree(body, now: now)
            } catch {
                fuzzCheck(false, "the flat scanner accepted a batch the general reader refuses (\(error))")
                return
            }
            fuzzCheck(flat == tree, "flat scanner and general reader disagree:\n\(flat)\n\(tree)")
        }
        guard let items = try? ReplicationListCodec.decode(body, now: now) else { return }
        let encoded = ReplicationListCodec.encodeRequest(items)
        let again: [ReplicationItem]
        do {
            again = try ReplicationListCodec.decode(encoded, now: now)
        } catch {
            fuzzCheck(false, "our own batch encoding does not decode (\(error)): \(String(decoding: encoded, as: UTF8.self))")
            return
        }
        fuzzCheck(again.count == items.count, "item count changed: \(items.count) -> \(again.count)")
        for (before, after) in zip(items, again) {
            // `dataCenterInfoMissingName` is a property of the body received, not of the record sent on.
            fuzzCheck(before.action == after.action && before.appName == after.appName && before.id == after.id
                        && before.lastDirtyTimestamp == after.lastDirtyTimestamp && before.status == after.status
                        && before.overriddenStatus == after.overriddenStatus && before.instance?.info == after.instance?.info,
                      "batch round trip changed an item:\n\(before)\n\(after)")
        }
    }

    private static func checkReply(_ body: [UInt8]) {
        guard let results = try? ReplicationListCodec.decodeReply(body, now: now) else { return }
        let again = try? ReplicationListCodec.decodeReply(ReplicationListCodec.encode(results), now: now)
        fuzzCheck(again.map { $0.map(\.statusCode) } == results.map(\.statusCode)
                    && again.map { $0.map(\.entity) } == results.map(\.entity),
                  "reply round trip changed the results")
    }
}
#endif
