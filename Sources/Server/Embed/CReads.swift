import CEurekaServer
import Glibc

// In-process reads (loop thread), with the HTTP API's visibility rules: a single instance hides an expired
// lease (2.7); lists and documents show every lease not yet evicted (4.11). Nothing comes from the response
// cache, so a read right after a write sees it.

@_spi(C) @c(eureka_get_counts)
public func eurekaGetCounts(_ node: OpaquePointer?, _ counts: UnsafeMutablePointer<eureka_counts>?) -> Int32 {
    EmbeddedNode.with(node) { embedded in
        embedded.onLoopThread { node throws(EmbedFailure) in
            let out = try CArguments.out(counts, "counts")
            var result = eureka_counts()
            result.applications = node.registry.apps.count
            for leases in node.registry.apps.values {
                for lease in leases.values {
                    result.instances += 1
                    switch lease.instance.status {
                    case .up: result.up += 1
                    case .down: result.down += 1
                    case .starting: result.starting += 1
                    case .outOfService: result.out_of_service += 1
                    case .unknown: result.unknown += 1
                    }
                }
            }
            out.pointee = result
        }
    }
}

@_spi(C) @c(eureka_get_instance)
public func eurekaGetInstance(_ node: OpaquePointer?, _ app: UnsafePointer<CChar>?, _ id: UnsafePointer<CChar>?,
                              _ record: UnsafeMutablePointer<UnsafeMutablePointer<eureka_record>?>?) -> Int32 {
    EmbeddedNode.with(node) { embedded in
        embedded.onLoopThread { node throws(EmbedFailure) in
            let (app, id) = (try CArguments.app(app), try CArguments.text(id, "instance_id"))
            let out = try CArguments.out(record, "record")
            guard let info = node.registry.visibleInstance(app: app, id: id) else { throw .notFound(app: app, id: id) }
            guard let block = RecordBlock.single(info) else { throw .noMemory }
            out.pointee = block
        }
    }
}

@_spi(C) @c(eureka_list_instances)
public func eurekaListInstances(_ node: OpaquePointer?, _ selector: eureka_selector, _ name: UnsafePointer<CChar>?,
                                _ list: UnsafeMutablePointer<UnsafeMutablePointer<eureka_record_list>?>?) -> Int32 {
    EmbeddedNode.with(node) { embedded in
        embedded.onLoopThread { node throws(EmbedFailure) in
            let out = try CArguments.out(list, "list")
            guard let block = RecordBlock.list(try selected(node.registry, selector, name)) else { throw .noMemory }
            out.pointee = block
        }
    }
}

@_spi(C) @c(eureka_visit_instances)
public func eurekaVisitInstances(_ node: OpaquePointer?, _ selector: eureka_selector, _ name: UnsafePointer<CChar>?,
                                 _ visit: eureka_visit_cb?, _ userData: UnsafeMutableRawPointer?) -> Int32 {
    EmbeddedNode.with(node) { embedded in
        embedded.onLoopThread { node throws(EmbedFailure) in
            guard let visit else { throw .invalid("visit is NULL") }
            var scratch = RecordScratch()
            for info in try selected(node.registry, selector, name) {
                guard let goOn = scratch.withRecord(info, { visit($0, userData) == 0 }) else { throw .noMemory }
                if !goOn { break }
            }
        }
    }
}

@_spi(C) @c(eureka_get_registry)
public func eurekaGetRegistry(_ node: OpaquePointer?, _ format: eureka_format,
                              _ bytes: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?,
                              _ length: UnsafeMutablePointer<Int>?) -> Int32 {
    EmbeddedNode.with(node) { embedded in
        embedded.onLoopThread { node throws(EmbedFailure) in
            let (outBytes, outLength) = (try CArguments.out(bytes, "bytes"), try CArguments.out(length, "length"))
            let wire: WireFormat
            switch format {
            case EUREKA_FORMAT_JSON: wire = .json
            case EUREKA_FORMAT_XML: wire = .xml
            default: throw .invalid("format \(format.rawValue) is not an eureka_format")
            }
            let document = ApplicationsCodec.encode(node.registry.fullApplications(), format: wire, representation: .full)
            guard let copy = malloc(document.count + 1)?.bindMemory(to: CChar.self, capacity: document.count + 1) else {
                throw .noMemory
            }
            document.withUnsafeBytes { bytes in
                if let base = bytes.baseAddress { UnsafeMutableRawPointer(copy).copyMemory(from: base, byteCount: bytes.count) }
            }
            copy[document.count] = 0
            outBytes.pointee = copy
            outLength.pointee = document.count
        }
    }
}

/// The instances an `eureka_selector` names, in document order (applications by name, instances by id).
private func selected(_ registry: InstanceRegistry, _ selector: eureka_selector,
                      _ name: UnsafePointer<CChar>?) throws(EmbedFailure) -> [InstanceInfo] {
    switch selector {
    case EUREKA_SELECT_ALL: return registry.fullApplications().allInstances
    case EUREKA_SELECT_APP: return registry.application(named: try CArguments.app(name))?.instances ?? []
    case EUREKA_SELECT_VIP: return registry.vipApplications(try CArguments.text(name, "name"), secure: false).allInstances
    case EUREKA_SELECT_SECURE_VIP: return registry.vipApplications(try CArguments.text(name, "name"), secure: true).allInstances
    default: throw .invalid("selector \(selector.rawValue) is not an eureka_selector")
    }
}
