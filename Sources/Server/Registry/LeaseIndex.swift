import Glibc

/// Every lease of the registry by the UTF-8 bytes of its application name and id, so a heartbeat finds its lease
/// straight from the request path's bytes: no String made, no SipHash (the router's two Strings and the two
/// String-keyed lookups were ~2,500 Ir of a heartbeat, bench/RESULTS.md). Kept in step with `apps` by
/// `InstanceRegistry.store` and `unstore`, the only places a lease enters or leaves the registry.
///
/// A hit is exact: the bytes equal the stored key's bytes, so the String lookup would have found the same lease.
/// A miss proves nothing (Swift's String equality is canonical: `K` matches a stored Kelvin sign), so callers
/// fall back to the String path on a miss.
///
/// Open addressing with linear probing and backward-shift deletion. A slot is one word: the lease's address,
/// unretained, with 3 bits of the hash in its low bits (a heap object is 8-byte aligned, under AddressSanitizer too);
/// 0 when empty. Unretained is safe because `apps` holds every lease the index holds (`store`/`unstore` keep the two
/// in step). At most 13/16 full: at 100,000 leases 131,072 slots of 8 bytes, ~10 bytes per instance (a 32-bit tag
/// and a strong reference per slot, 12 bytes, pushed the registry past its bound in RegistryFootprintTests).
///
/// Hash flooding: the hash is seeded from the system's random source once per process, so which keys collide
/// cannot be worked out from outside. Only registrations insert (writers, bounded by `max-instances`); a lookup
/// of a key that is not there inserts nothing, so a stranger sending heartbeats for made-up ids can only probe.
struct LeaseIndex {
    private var slots: [UInt] = []
    private(set) var count = 0
    private let seed: UInt64

    init(seed: UInt64 = UInt64.random(in: .min ... .max)) {
        self.seed = seed
    }

    /// The lease stored under exactly these bytes, or nil (see the type's note on misses).
    func find(app: UnsafeRawBufferPointer, id: UnsafeRawBufferPointer) -> Lease? {
        guard count > 0 else { return nil }
        let hash = Self.hash(app, id, seed: seed)
        let tag = Self.tag(hash)
        return slots.withUnsafeBufferPointer { slots in
            let mask = slots.count - 1
            var slot = Int(truncatingIfNeeded: hash) & mask
            while true {
                let found = slots[slot]
                if found == 0 { return nil }
                if found & Self.tagMask == tag {
                    // Compared through a guaranteed reference (the slot's lease is alive: `apps` holds it), so
                    // neither the lease nor its two Strings are retained and released for the comparison (bench/
                    // RESULTS.md); only the lease returned is retained.
                    let same = Self.unmanaged(found)._withUnsafeGuaranteedRef { $0.hasKey(app: app, id: id) }
                    if same { return Self.lease(found) }
                }
                slot = (slot + 1) & mask
            }
        }
    }

    /// Adds `lease` under its application name and id, replacing a lease stored under the same bytes.
    mutating func insert(_ lease: Lease) {
        if (count + 1) * 16 > slots.count * 13 { grow() }
        let hash = Self.hash(of: lease, seed: seed)
        let entry = Self.entry(lease, hash)
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: hash) & mask
        while slots[slot] != 0 {
            if slots[slot] & Self.tagMask == entry & Self.tagMask, Self.sameKey(Self.lease(slots[slot]), lease) {
                slots[slot] = entry
                return
            }
            slot = (slot + 1) & mask
        }
        slots[slot] = entry
        count += 1
    }

    /// Removes `lease` itself (not another lease stored under the same bytes), if it is here.
    mutating func remove(_ lease: Lease) {
        guard count > 0 else { return }
        let hash = Self.hash(of: lease, seed: seed)
        let entry = Self.entry(lease, hash)
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: hash) & mask
        while true {
            if slots[slot] == 0 { return }
            if slots[slot] == entry { break }
            slot = (slot + 1) & mask
        }
        // Backward shift: pull each later entry of the run into the hole when its home slot allows it, so lookups
        // never need tombstones.
        var hole = slot
        var next = (hole + 1) & mask
        while slots[next] != 0 {
            let home = Int(truncatingIfNeeded: Self.hash(of: Self.lease(slots[next]), seed: seed)) & mask
            // The entry at `next` may fill the hole when its home is not in the cyclic interval (hole, next].
            if (next - home) & mask >= (next - hole) & mask {
                slots[hole] = slots[next]
                hole = next
            }
            next = (next + 1) & mask
        }
        slots[hole] = 0
        count -= 1
    }

    /// The table, for the registry's memory breakdown (RegistryFootprint in the tests).
    var tableForFootprint: [UInt] { slots }

    mutating func removeAll() {
        slots = []
        count = 0
    }

    private mutating func grow() {
        let old = slots
        slots = Array(repeating: 0, count: max(16, slots.count * 2))
        count = 0
        for entry in old where entry != 0 { insert(Self.lease(entry)) }
    }

    // MARK: slots

    private static let tagMask: UInt = 7

    private static func tag(_ hash: UInt64) -> UInt { UInt(truncatingIfNeeded: hash >> 61) }

    private static func entry(_ lease: Lease, _ hash: UInt64) -> UInt {
        let address = UInt(bitPattern: Unmanaged.passUnretained(lease).toOpaque())
        precondition(address & tagMask == 0, "a heap object is 8-byte aligned")
        return address | tag(hash)
    }

    @inline(__always)
    private static func lease(_ entry: UInt) -> Lease { unmanaged(entry).takeUnretainedValue() }

    @inline(__always)
    private static func unmanaged(_ entry: UInt) -> Unmanaged<Lease> {
        Unmanaged<Lease>.fromOpaque(UnsafeRawPointer(bitPattern: entry & ~tagMask)!)
    }

    // MARK: hashing and comparing

    private static func hash(of lease: Lease, seed: UInt64) -> UInt64 {
        withBytes(lease.instance.app) { app in withBytes(lease.id) { id in hash(app, id, seed: seed) } }
    }

    /// A seeded multiply-xorshift over 8-byte words (both parts, each ended by its length), then a final avalanche.
    static func hash(_ app: UnsafeRawBufferPointer, _ id: UnsafeRawBufferPointer, seed: UInt64) -> UInt64 {
        var state = seed
        absorb(app, into: &state)
        absorb(id, into: &state)
        state ^= state >> 33
        state = state &* 0xFF51_AFD7_ED55_8CCD
        state ^= state >> 33
        state = state &* 0xC4CE_B9FE_1A85_EC53
        return state ^ (state >> 33)
    }

    @inline(__always)
    private static func absorb(_ bytes: UnsafeRawBufferPointer, into state: inout UInt64) {
        let multiplier: UInt64 = 0x9E37_79B9_7F4A_7C15
        var offset = 0
        let count = bytes.count
        while offset + 8 <= count {
            state = (state ^ bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self)) &* multiplier
            state ^= state >> 29
            offset += 8
        }
        var tail = UInt64(count) << 56  // the length ends each part: ("AB", "C") and ("A", "BC") differ
        var shift: UInt64 = 0
        while offset < count {
            tail ^= UInt64(bytes[offset]) << shift
            shift += 8
            offset += 1
        }
        state = (state ^ tail) &* multiplier
        state ^= state >> 29
    }

    @inline(__always)
    private static func matches(_ lease: Lease, app: UnsafeRawBufferPointer, id: UnsafeRawBufferPointer) -> Bool {
        lease.hasKey(app: app, id: id)
    }

    private static func sameKey(_ a: Lease, _ b: Lease) -> Bool {
        a === b || withBytes(b.instance.app) { app in withBytes(b.id) { id in matches(a, app: app, id: id) } }
    }

    @inline(__always)
    fileprivate static func equal(_ string: String, _ bytes: UnsafeRawBufferPointer) -> Bool {
        withBytes(string) { stored in
            stored.count == bytes.count && (stored.count == 0 || memcmp(stored.baseAddress!, bytes.baseAddress!, stored.count) == 0)
        }
    }

    /// A String's UTF-8 bytes: in place for native and small strings (every key the registry stores), else a copy.
    @inline(__always)
    fileprivate static func withBytes<T>(_ string: String, _ body: (UnsafeRawBufferPointer) -> T) -> T {
        if let result = string.utf8.withContiguousStorageIfAvailable({ body(UnsafeRawBufferPointer($0)) }) { return result }
        return Array(string.utf8).withUnsafeBytes(body)
    }
}

private extension Lease {
    /// Whether this lease is stored under exactly these bytes. A method of the lease so that its Strings are read
    /// in place through `self`, which the caller guarantees alive, rather than copied out (a retain each).
    @inline(__always)
    func hasKey(app: UnsafeRawBufferPointer, id idBytes: UnsafeRawBufferPointer) -> Bool {
        LeaseIndex.equal(id, idBytes) && LeaseIndex.equal(instance.app, app)
    }
}
