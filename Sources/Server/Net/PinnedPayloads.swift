/// Bounds the memory that connections still writing old versions of cached documents keep alive.
///
/// A large cached body goes to the socket by reference, so a connection keeps the version it was given alive
/// until its last byte left. A client that never reads keeps it alive forever: twelve such clients, each
/// arriving after a cache refresh, held twelve versions of a 100,000-instance registry (1.1 GiB). Here every
/// version held by a writing connection is counted once, however many connections share it; a version is
/// superseded once a newer version of the same document is held too. Past `maxSupersededBytes`, the holders
/// of the oldest superseded versions are disconnected until the rest fits: the clients furthest behind go,
/// and the current version, which the cache holds anyway, is never a reason to disconnect anyone.
/// Loop thread only; costs nothing per heartbeat (only large shared bodies are pinned).
final class PinnedPayloads {
    private struct Entry {
        var bytes: Int
        var holders: [ObjectIdentifier: TCPStream] = [:]
        var superseded = false
    }

    let maxSupersededBytes: Int
    private var entries: [BodyVersion: Entry] = [:]
    /// Per lineage, the newest sequence a connection holds.
    private var newest: [Int: UInt64] = [:]
    /// What each stream holds, so its close or drain releases it.
    private var heldBy: [ObjectIdentifier: [BodyVersion]] = [:]
    /// Bytes of superseded versions still held (each version once).
    private(set) var supersededBytes = 0
    /// Connections closed to get back under the bound.
    private(set) var disconnected = 0

    init(maxSupersededBytes: Int) {
        self.maxSupersededBytes = maxSupersededBytes
    }

    /// Distinct versions held, for tests.
    var versionCount: Int { entries.count }

    /// `stream` holds `bytes` of `version` until `release(stream)`.
    func pin(_ version: BodyVersion, bytes: Int, by stream: TCPStream) {
        let id = ObjectIdentifier(stream)
        if entries[version] == nil {
            var entry = Entry(bytes: bytes)
            if let current = newest[version.lineage], current > version.sequence {
                entry.superseded = true
                supersededBytes += bytes
            } else {
                supersedeOlder(than: version)
            }
            entries[version] = entry
        }
        guard entries[version]!.holders.updateValue(stream, forKey: id) == nil else { return }
        heldBy[id, default: []].append(version)
        enforceBound()
    }

    /// The stream drained or closed: it holds nothing any more.
    func release(_ stream: TCPStream) {
        guard let versions = heldBy.removeValue(forKey: ObjectIdentifier(stream)) else { return }
        for version in versions { drop(stream, from: version) }
    }

    private func supersedeOlder(than version: BodyVersion) {
        newest[version.lineage] = version.sequence
        for (other, entry) in entries where other.lineage == version.lineage && !entry.superseded {
            entries[other]!.superseded = true
            supersededBytes += entry.bytes
        }
    }

    private func drop(_ stream: TCPStream, from version: BodyVersion) {
        guard var entry = entries[version] else { return }  // already given up by enforceBound
        entry.holders[ObjectIdentifier(stream)] = nil
        if entry.holders.isEmpty {
            remove(version, entry)
        } else {
            entries[version] = entry
        }
    }

    private func remove(_ version: BodyVersion, _ entry: Entry) {
        entries[version] = nil
        if entry.superseded { supersededBytes -= entry.bytes }
        if !entries.keys.contains(where: { $0.lineage == version.lineage }) { newest[version.lineage] = nil }
    }

    /// Oldest superseded version first. Its holders close now; the memory goes with their close callbacks,
    /// so the version leaves the count at once and no further connection is closed for the same bytes.
    private func enforceBound() {
        while supersededBytes > maxSupersededBytes,
              let oldest = entries.filter({ $0.value.superseded }).min(by: { $0.key.sequence < $1.key.sequence }) {
            remove(oldest.key, oldest.value)
            for (id, stream) in oldest.value.holders {
                heldBy[id]?.removeAll { $0 == oldest.key }
                disconnected += 1
                stream.close()
            }
        }
    }
}
