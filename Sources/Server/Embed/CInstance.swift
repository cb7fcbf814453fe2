import CEurekaServer

/// `eureka_instance` -> the record a registration over HTTP would have decoded, validated by the same checks
/// (API/RegistrationValidation.swift), so an in-process registration is stored exactly like a client's.
enum CInstance {
    /// The defaults of `eureka_instance_init`, which are the register body's defaults (spec 3.2).
    static var defaults: eureka_instance {
        var instance = eureka_instance()
        instance.status = EUREKA_STATUS_UP
        instance.port = Int32(PortInfo.defaultPort.number)
        instance.port_enabled = PortInfo.defaultPort.enabled ? 1 : 0
        instance.secure_port = Int32(PortInfo.defaultSecurePort.number)
        instance.secure_port_enabled = PortInfo.defaultSecurePort.enabled ? 1 : 0
        return instance
    }

    static func record(from instance: eureka_instance, now: Int64) throws(EmbedFailure) -> InstanceInfo {
        var info = InstanceInfo()
        info.app = InstanceInfo.normalisedAppName(CArguments.optionalText(instance.app) ?? "")
        info.instanceId = CArguments.optionalText(instance.instance_id).flatMap { $0.isEmpty ? nil : $0 }
        info.hostName = CArguments.optionalText(instance.host_name) ?? ""
        info.ipAddr = CArguments.optionalText(instance.ip_addr) ?? ""
        info.status = try CArguments.status(instance.status, "status")
        info.port = try port(instance.port, enabled: instance.port_enabled, "port")
        info.securePort = try port(instance.secure_port, enabled: instance.secure_port_enabled, "secure_port")
        info.vipAddress = CArguments.optionalText(instance.vip_address)
        info.secureVipAddress = CArguments.optionalText(instance.secure_vip_address)
        info.homePageUrl = CArguments.optionalText(instance.home_page_url)
        info.statusPageUrl = CArguments.optionalText(instance.status_page_url)
        info.healthCheckUrl = CArguments.optionalText(instance.health_check_url)
        info.dataCenterInfo = try dataCenter(instance.data_center)
        info.leaseInfo = LeaseInfo(renewalIntervalInSecs: Int(instance.lease_renewal_interval_secs),
                                   durationInSecs: Int(instance.lease_duration_secs))
        info.metadata = try metadata(instance.metadata, count: instance.metadata_count)
        // As the decoders do for a body without them (spec 3.2).
        info.lastDirtyTimestamp = now
        info.lastUpdatedTimestamp = now
        switch RegistrationValidation.prepare(DecodedInstance(info: info, dataCenterInfoMissingName: false), pathApp: info.app) {
        case .success(let valid): return valid
        case .failure(let failure): throw EmbedFailure(code: EUREKA_EREJECTED, message: failure.message)
        }
    }

    private static func port(_ number: Int32, enabled: Int32, _ parameter: StaticString) throws(EmbedFailure) -> PortInfo {
        guard (0...65_535).contains(number) else { throw .invalid("\(parameter) \(number) is out of 0...65535") }
        guard enabled == 0 || enabled == 1 else { throw .invalid("\(parameter)_enabled \(enabled) is not 0 or 1") }
        return PortInfo(number: Int(number), enabled: enabled == 1)
    }

    private static func dataCenter(_ name: UnsafePointer<CChar>?) throws(EmbedFailure) -> DataCenterInfo {
        guard let text = CArguments.optionalText(name) else { return .myOwn }
        guard let kind = DataCenterInfo.Name(lenient: text) else {
            throw .invalid("data_center '\(text)' is not MyOwn, Amazon or Netflix")
        }
        return DataCenterInfo(name: kind)
    }

    private static func metadata(_ pairs: UnsafePointer<eureka_pair>?, count: Int) throws(EmbedFailure) -> Metadata {
        guard count > 0 else { return Metadata() }
        guard let pairs else { throw .invalid("metadata is NULL with metadata_count \(count)") }
        var metadata = Metadata()
        for index in 0..<count {
            guard let key = pairs[index].key, let value = pairs[index].value else {
                throw .invalid("metadata[\(index)] has a NULL key or value")
            }
            metadata[String(cString: key)] = String(cString: value)
        }
        return metadata
    }
}
