@testable import Server

/// The registry's heap, block by block, split by what holds each block (issue 19's breakdown). A block shared by
/// several holders counts once, for the first category that reaches it, in the order below: records first, so an
/// index pays only for what it adds.
struct RegistryFootprint {
    enum Category: String, CaseIterable {
        case leaseObjects = "lease and record objects"
        case recordStrings = "record strings"
        case metadata = "metadata arrays"
        case registryMaps = "app and id dictionaries"
        case vipIndex = "VIP indexes"
        case recentChanges = "recently-changed list"
        case other = "status tally, activity rings, overrides"
    }

    private(set) var bytes: [Category: Int] = [:]
    private var heap = HeapFootprint()

    init(_ registry: InstanceRegistry) {
        let leases = registry.apps.values.flatMap(\.values)
        count(.leaseObjects) { heap in for lease in leases { heap.object(lease) } }
        count(.recordStrings) { heap in for lease in leases { Self.strings(of: lease, into: &heap) } }
        count(.metadata) { heap in for lease in leases { Self.metadata(of: lease.instance, into: &heap) } }
        count(.registryMaps) { heap in
            heap.dictionary(registry.apps)
            for (app, byId) in registry.apps {
                heap.string(app)
                heap.dictionary(byId)
                for id in byId.keys { heap.string(id) }
            }
            heap.array(registry.leaseIndex.tableForFootprint)  // the heartbeat's index by bytes (LeaseIndex)
        }
        count(.vipIndex) { heap in
            let index = registry.vipIndex
            heap.dictionary(index.members)
            for (name, byApp) in index.members {
                heap.string(name.base)
                heap.dictionary(byApp)
                for (app, ids) in byApp {
                    heap.string(app)
                    heap.dictionary(ids)
                    for id in ids.keys { heap.string(id) }
                }
            }
        }
        count(.recentChanges) { heap in
            let changes = registry.recentChanges
            heap.array(changes.entries)
            heap.dictionary(changes.newestCancelled)
            for key in changes.newestCancelled.keys {
                heap.string(key.app)
                heap.string(key.id)
            }
            for entry in changes.entries { if let lease = entry.lease { heap.object(lease) } }
        }
        count(.other) { heap in
            heap.dictionary(registry.statusTally.countsByApp)
            for (app, counts) in registry.statusTally.countsByApp {
                heap.string(app)
                heap.array(counts)
            }
            for ring in [registry.recentRegistrations.items, registry.recentCancellations.items] {
                for item in ring {
                    heap.string(item.app)
                    heap.string(item.id)
                }
            }
        }
    }

    var total: Int { bytes.values.reduce(0, +) }

    private mutating func count(_ category: Category, _ walk: (inout HeapFootprint) -> Void) {
        let before = heap.bytes
        walk(&heap)
        bytes[category, default: 0] += heap.bytes - before
    }

    private static func strings(of lease: Lease, into heap: inout HeapFootprint) {
        let info = lease.instance
        heap.string(lease.id)
        for text in [info.instanceId, info.hostName, info.app, info.ipAddr, info.sid, info.appGroupName,
                     info.homePageUrl, info.statusPageUrl, info.healthCheckUrl, info.secureHealthCheckUrl,
                     info.vipAddress, info.secureVipAddress, info.asgName] {
            heap.string(text)
        }
    }

    private static func metadata(of info: InstanceInfo, into heap: inout HeapFootprint) {
        for map in [info.metadata, info.dataCenterInfo?.metadata ?? Metadata()] {
            heap.array(map.entries)
            if let positions = map.positions { heap.dictionary(positions) }
            for entry in map.entries {
                heap.string(entry.key)
                heap.string(entry.value)
            }
        }
    }

    /// One line per category, bytes per instance.
    func report(instances: Int) -> String {
        var lines = Category.allCases.map { "\($0.rawValue): \((bytes[$0] ?? 0) / max(instances, 1))" }
        lines.append("total: \(total / max(instances, 1)) bytes per instance (\(total) at \(instances))")
        return lines.joined(separator: "\n")
    }
}
