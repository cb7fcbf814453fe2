/// VIP name -> application -> instance ids whose VIP list or secure VIP list (split on ",") holds that name, kept up
/// to date by register and cancel, so a `/vips/{name}` or `/svips/{name}` document is built from its members instead
/// of a scan of every lease on the loop (issue #18: 3,000 distinct lookups of a 100,000-instance registry each
/// scanned it, 5.8 ms apiece).
///
/// One table for both lists, each id marked with which of them holds the name (`Lists`): nearly every client sends
/// the same name as VIP and secure VIP, and two tables of the same ids cost 66 B per instance at 100,000 and 82 at
/// 10,000 (a Swift set keeps its 16-byte elements at most 3/4 full, so 100 ids take 256 buckets); one table with a
/// one-byte mark per id costs about half (issue 19: memory per instance). Loop-confined, like the registry.
struct VipIndex {
    struct Lists: OptionSet {
        let rawValue: UInt8
        static let vip = Lists(rawValue: 1)
        static let secure = Lists(rawValue: 2)
    }

    private(set) var members: [Substring: [String: [String: Lists]]] = [:]

    /// Indexes `id` under each of its VIP names and secure VIP names. A name in both lists (nearly every client
    /// sends the same VIP and secure VIP) is entered once with both marks: each entry is three nested String-keyed
    /// lookups, ~2,000 instructions of a new registration (bench/callgrind-register.sh).
    mutating func add(app: String, id: String, vips: [Substring], secureVips: [Substring]) {
        for name in vips {
            let lists: Lists = secureVips.contains(name) ? [.vip, .secure] : .vip
            members[name, default: [:]][app, default: [:]][id, default: []].formUnion(lists)
        }
        for name in secureVips where !vips.contains(name) {
            members[name, default: [:]][app, default: [:]][id, default: []].insert(.secure)
        }
    }

    mutating func remove(app: String, id: String, vips: [Substring], secureVips: [Substring]) {
        for name in vips { remove(app: app, id: id, name: name, list: .vip) }
        for name in secureVips { remove(app: app, id: id, name: name, list: .secure) }
    }

    /// In place: a copy out and back would duplicate the application's whole id table on every removal (a
    /// re-registration cost ~7,000 instructions more than a new one at 20 ids per app, callgrind).
    private mutating func remove(app: String, id: String, name: Substring, list: Lists) {
        guard let index = members.index(forKey: name), let appIndex = members.values[index].index(forKey: app),
              let idIndex = members.values[index].values[appIndex].index(forKey: id) else { return }
        members.values[index].values[appIndex].values[idIndex].remove(list)
        guard members.values[index].values[appIndex].values[idIndex].isEmpty else { return }
        members.values[index].values[appIndex].remove(at: idIndex)
        if members.values[index].values[appIndex].isEmpty { members.values[index].remove(at: appIndex) }
        if members.values[index].isEmpty { members.remove(at: index) }
    }

    /// app -> ids listing `name` as a VIP (or, `secure`, as a secure VIP); empty when none does.
    func members(of name: String, secure: Bool = false) -> [String: Set<String>] {
        let list: Lists = secure ? .secure : .vip
        var found: [String: Set<String>] = [:]
        for (app, ids) in members[Substring(name)] ?? [:] {
            let listing = ids.compactMap { $0.value.contains(list) ? $0.key : nil }
            if !listing.isEmpty { found[app] = Set(listing) }
        }
        return found
    }

    /// Distinct names indexed as VIPs (or secure VIPs) (tests).
    func nameCount(secure: Bool = false) -> Int {
        let list: Lists = secure ? .secure : .vip
        return members.values.count { byApp in byApp.values.contains { ids in ids.values.contains { $0.contains(list) } } }
    }

    /// The secure VIP side, read like an index of its own (tests).
    struct SecureView {
        let index: VipIndex
        func members(of name: String) -> [String: Set<String>] { index.members(of: name, secure: true) }
        var nameCount: Int { index.nameCount(secure: true) }
    }
}

extension VipIndex {
    /// The VIP side alone (tests and single-list callers).
    mutating func add(app: String, id: String, names: [Substring]) { add(app: app, id: id, vips: names, secureVips: []) }
    mutating func remove(app: String, id: String, names: [Substring]) { remove(app: app, id: id, vips: names, secureVips: []) }
    var nameCount: Int { nameCount(secure: false) }
}
