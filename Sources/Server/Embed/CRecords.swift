import CEurekaServer
import Glibc

/// Records copied for C into one malloc'd block: an optional header (the list), the eureka_record array, their
/// metadata pairs, then every string NUL-terminated. One block, so the host releases it with one eureka_free
/// and no pointer of it can outlive another.
enum RecordBlock {
    /// The list of `eureka_list_instances`; nil when malloc failed. `records` is NULL when the list is empty.
    static func list(_ records: [InstanceInfo]) -> UnsafeMutablePointer<eureka_record_list>? {
        let header = MemoryLayout<eureka_record_list>.stride
        guard let block = allocate(header: header, records: records) else { return nil }
        let list = block.raw.bindMemory(to: eureka_record_list.self, capacity: 1)
        list.initialize(to: eureka_record_list(count: records.count, records: records.isEmpty ? nil : UnsafePointer(block.records)))
        return list
    }

    /// The record of `eureka_get_instance`; nil when malloc failed.
    static func single(_ record: InstanceInfo) -> UnsafeMutablePointer<eureka_record>? {
        allocate(header: 0, records: CollectionOfOne(record))?.records
    }

    /// What a block holds beyond its eureka_record array.
    struct Extent {
        var pairs = 0
        var bytes = 0

        init(_ records: some Sequence<InstanceInfo>) {
            for info in records {
                pairs += info.metadata.count
                for field in RecordWriter.stringFields { bytes += (field.value(info)?.utf8.count).map { $0 + 1 } ?? 0 }
                for entry in info.metadata { bytes += entry.key.utf8.count + entry.value.utf8.count + 2 }
            }
        }

        /// Bytes for `count` records at `offset`, then their pairs and strings.
        func size(records count: Int, at offset: Int) -> Int {
            offset + count * MemoryLayout<eureka_record>.stride + pairs * MemoryLayout<eureka_pair>.stride + bytes
        }
    }

    /// `header` bytes (a multiple of eureka_record's alignment), then the records written in place.
    private static func allocate(header: Int, records: some Collection<InstanceInfo>)
        -> (raw: UnsafeMutableRawPointer, records: UnsafeMutablePointer<eureka_record>)? {
        let extent = Extent(records)
        guard let raw = malloc(max(1, extent.size(records: records.count, at: header))) else { return nil }
        return (raw, write(records, into: raw + header, extent: extent))
    }

    /// Writes `records` at `start` (eureka_record-aligned, room for `extent`); returns the first record.
    static func write(_ records: some Collection<InstanceInfo>, into start: UnsafeMutableRawPointer,
                      extent: Extent) -> UnsafeMutablePointer<eureka_record> {
        let array = start.bindMemory(to: eureka_record.self, capacity: records.count)
        // eureka_record's stride is a multiple of 8, so the pairs that follow are aligned too.
        let pairs = UnsafeMutableRawPointer(array + records.count).bindMemory(to: eureka_pair.self, capacity: extent.pairs)
        let bytes = UnsafeMutableRawPointer(pairs + extent.pairs).bindMemory(to: CChar.self, capacity: extent.bytes)
        var writer = RecordWriter(pairs: pairs, bytes: bytes)
        for (index, info) in records.enumerated() { (array + index).initialize(to: writer.record(info)) }
        return array
    }
}

/// Fills eureka_record values, taking pairs and string bytes from memory sized by RecordBlock.Extent.
struct RecordWriter {
    private var pairs: UnsafeMutablePointer<eureka_pair>
    private var bytes: UnsafeMutablePointer<CChar>

    init(pairs: UnsafeMutablePointer<eureka_pair>, bytes: UnsafeMutablePointer<CChar>) {
        self.pairs = pairs
        self.bytes = bytes
    }

    typealias StringField = (value: @Sendable (InstanceInfo) -> String?,
                             field: WritableKeyPath<eureka_instance, UnsafePointer<CChar>?> & Sendable)

    /// Every string a record copies besides metadata and the field it lands in: one list, so sizing and writing agree.
    static let stringFields: [StringField] = [
        ({ $0.app }, \.app), ({ $0.effectiveId }, \.instance_id), ({ $0.hostName }, \.host_name), ({ $0.ipAddr }, \.ip_addr),
        ({ $0.vipAddress }, \.vip_address), ({ $0.secureVipAddress }, \.secure_vip_address),
        ({ $0.homePageUrl }, \.home_page_url), ({ $0.statusPageUrl }, \.status_page_url),
        ({ $0.healthCheckUrl }, \.health_check_url), ({ $0.dataCenterInfo?.name.rawValue }, \.data_center),
    ]

    mutating func record(_ info: InstanceInfo) -> eureka_record {
        var record = eureka_record()
        for field in Self.stringFields { record.instance[keyPath: field.field] = copy(field.value(info)) }
        record.instance.status = CArguments.cStatus(info.status)
        record.instance.port = Int32(clamping: info.port.number)
        record.instance.port_enabled = info.port.enabled ? 1 : 0
        record.instance.secure_port = Int32(clamping: info.securePort.number)
        record.instance.secure_port_enabled = info.securePort.enabled ? 1 : 0
        let lease = info.leaseInfo ?? LeaseInfo()
        record.instance.lease_renewal_interval_secs = Int32(clamping: lease.renewalIntervalInSecs)
        record.instance.lease_duration_secs = Int32(clamping: lease.durationInSecs)
        record.instance.metadata = info.metadata.isEmpty ? nil : UnsafePointer(pairs)
        record.instance.metadata_count = info.metadata.count
        for entry in info.metadata {
            pairs.initialize(to: eureka_pair(key: copy(entry.key), value: copy(entry.value)))
            pairs += 1
        }
        record.overridden_status = CArguments.cStatus(info.overriddenStatus)
        record.registration_timestamp = lease.registrationTimestamp
        record.last_renewal_timestamp = lease.lastRenewalTimestamp
        record.eviction_timestamp = lease.evictionTimestamp
        record.service_up_timestamp = lease.serviceUpTimestamp
        record.last_updated_timestamp = info.lastUpdatedTimestamp
        record.last_dirty_timestamp = info.lastDirtyTimestamp
        return record
    }

    private mutating func copy(_ text: String?) -> UnsafePointer<CChar>? {
        guard var text else { return nil }
        let start = bytes
        let count = text.withUTF8 { utf8 in
            if let base = utf8.baseAddress { UnsafeMutableRawPointer(start).copyMemory(from: base, byteCount: utf8.count) }
            return utf8.count
        }
        start[count] = 0
        bytes += count + 1
        return UnsafePointer(start)
    }
}

/// One record at a time in a buffer reused from record to record: visits and events copy no more than that.
struct RecordScratch: ~Copyable {
    private var block: UnsafeMutableRawPointer?
    private var capacity = 0

    init() {}

    deinit { free(block) }

    /// `body` gets the record, valid during the call only; nil when memory ran out.
    mutating func withRecord<Result>(_ info: InstanceInfo, _ body: (UnsafePointer<eureka_record>) -> Result) -> Result? {
        let extent = RecordBlock.Extent(CollectionOfOne(info))
        let size = extent.size(records: 1, at: 0)
        if size > capacity {
            free(block)
            capacity = max(size, 2 * capacity)
            block = malloc(capacity)
            guard block != nil else {
                capacity = 0
                return nil
            }
        }
        return body(RecordBlock.write(CollectionOfOne(info), into: block!, extent: extent))
    }
}
