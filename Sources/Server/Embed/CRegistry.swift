import CEurekaServer

// In-process registry writes (loop thread): the same RegistryCommand the HTTP endpoints execute, as client
// operations, so they are validated, invalidate the cache, replicate to peers and fire events alike.

@_spi(C) @c(eureka_instance_init)
public func eurekaInstanceInit(_ instance: UnsafeMutablePointer<eureka_instance>?) -> Int32 {
    reportingFailure { () throws(EmbedFailure) in try CArguments.out(instance, "instance").pointee = CInstance.defaults }
}

@_spi(C) @c(eureka_register)
public func eurekaRegister(_ node: OpaquePointer?, _ instance: UnsafePointer<eureka_instance>?) -> Int32 {
    EmbeddedNode.with(node) { embedded in
        embedded.onLoopThread { node throws(EmbedFailure) in
            guard let instance else { throw .invalid("instance is NULL") }
            let info = try CInstance.record(from: instance.pointee, now: node.time.nowMillis())
            if case .rejected(let rejection) = node.registry.execute(EurekaAPI.registerCommand(info, isReplication: false)) {
                throw .invalid(rejection.message)
            }
        }
    }
}

/// The hot path of the benchmark: two C strings to Strings, the thread and lifecycle checks, one renew.
@_spi(C) @c(eureka_renew)
public func eurekaRenew(_ node: OpaquePointer?, _ app: UnsafePointer<CChar>?, _ id: UnsafePointer<CChar>?) -> Int32 {
    EmbeddedNode.with(node) { embedded in
        embedded.onLoopThread { node throws(EmbedFailure) in
            let (app, id) = (try CArguments.app(app), try CArguments.text(id, "instance_id"))
            let outcome = node.registry.execute(
                .renew(app: app, id: id, lastDirtyTimestamp: nil, overriddenStatus: nil, isReplication: false))
            if case .renew(.unknownInstance) = outcome { throw .notFound(app: app, id: id) }
        }
    }
}

@_spi(C) @c(eureka_cancel)
public func eurekaCancel(_ node: OpaquePointer?, _ app: UnsafePointer<CChar>?, _ id: UnsafePointer<CChar>?) -> Int32 {
    EmbeddedNode.with(node) { embedded in
        embedded.onLoopThread { node throws(EmbedFailure) in
            let (app, id) = (try CArguments.app(app), try CArguments.text(id, "instance_id"))
            if case .cancel(.unknownInstance) = node.registry.execute(.cancel(app: app, id: id, isReplication: false)) {
                throw .notFound(app: app, id: id)
            }
        }
    }
}

@_spi(C) @c(eureka_set_status_override)
public func eurekaSetStatusOverride(_ node: OpaquePointer?, _ app: UnsafePointer<CChar>?, _ id: UnsafePointer<CChar>?,
                                    _ status: eureka_status) -> Int32 {
    EmbeddedNode.with(node) { embedded in
        embedded.onLoopThread { node throws(EmbedFailure) in
            let (app, id) = (try CArguments.app(app), try CArguments.text(id, "instance_id"))
            let command = RegistryCommand.statusUpdate(app: app, id: id, status: try CArguments.status(status, "status"),
                                                       lastDirtyTimestamp: nil, isReplication: false)
            if case .statusUpdate(.unknownInstance) = node.registry.execute(command) { throw .notFound(app: app, id: id) }
        }
    }
}

@_spi(C) @c(eureka_remove_status_override)
public func eurekaRemoveStatusOverride(_ node: OpaquePointer?, _ app: UnsafePointer<CChar>?, _ id: UnsafePointer<CChar>?,
                                       _ newStatus: eureka_status) -> Int32 {
    EmbeddedNode.with(node) { embedded in
        embedded.onLoopThread { node throws(EmbedFailure) in
            let (app, id) = (try CArguments.app(app), try CArguments.text(id, "instance_id"))
            let command = RegistryCommand.deleteStatusOverride(
                app: app, id: id, newStatus: try CArguments.status(newStatus, "new_status"), lastDirtyTimestamp: nil,
                isReplication: false)
            if case .overrideRemoval(.unknownInstance) = node.registry.execute(command) { throw .notFound(app: app, id: id) }
        }
    }
}
