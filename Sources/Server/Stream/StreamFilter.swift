/// Which instances one stream is sent (docs/change-stream.md): those of the listed applications or carrying one
/// of the listed VIP addresses (secure ones too, matched whole as `/vips/{name}` does, spec 2.12). Empty: all.
struct StreamFilter: Hashable, Sendable {
    /// Upper-cased, as application names are stored (spec 1.2).
    let apps: Set<String>
    let vips: Set<String>

    init(apps: [String] = [], vips: [String] = []) {
        self.apps = Set(apps.map(InstanceInfo.normalisedAppName).filter { !$0.isEmpty })
        self.vips = Set(vips.filter { !$0.isEmpty })
    }

    /// From the `apps=` and `vips=` parameters: comma-separated lists, blanks around names ignored.
    init(appsParameter: String?, vipsParameter: String?) {
        func names(_ text: String?) -> [String] {
            (text ?? "").split(separator: ",").map { String($0.trimmingSpaces) }
        }
        self.init(apps: names(appsParameter), vips: names(vipsParameter))
    }

    var passesEverything: Bool { apps.isEmpty && vips.isEmpty }

    func passes(_ record: InstanceInfo) -> Bool {
        if passesEverything || apps.contains(record.app) { return true }
        guard !vips.isEmpty else { return false }
        return record.vipNames.contains { vips.contains(String($0)) } || record.secureVipNames.contains { vips.contains(String($0)) }
    }
}
