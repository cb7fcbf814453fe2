import CEurekaServer
import Glibc

// The C entry points of a node's life, plus versions and errors (the contract is eureka_server.h). Every
// entry point returns EUREKA_OK or a negative code after recording its message; none throws or traps on a
// bad argument. `@_spi(C)`: public only so the symbols survive into the libraries, not part of the Swift API.

@_spi(C) @c(eureka_version)
public func eurekaVersion() -> UInt32 {
    UInt32(EUREKA_VERSION_MAJOR << 16 | EUREKA_VERSION_MINOR << 8 | EUREKA_VERSION_PATCH)  // EUREKA_VERSION_HEX
}

@_spi(C) @c(eureka_strerror)
public func eurekaStrerror(_ code: Int32) -> UnsafePointer<CChar> {
    let text: StaticString = switch eureka_code(rawValue: code) {
    case EUREKA_OK: "success"
    case EUREKA_EINVAL: "invalid argument"
    case EUREKA_EUNKNOWN_SETTING: "unknown setting"
    case EUREKA_EBAD_VALUE: "bad setting value"
    case EUREKA_EWRONG_THREAD: "called from a thread other than the node's loop thread"
    case EUREKA_ESTOPPED: "node stopping or stopped"
    case EUREKA_ESTATE: "not allowed in the node's present state"
    case EUREKA_ENOT_FOUND: "no such instance"
    case EUREKA_EREJECTED: "instance rejected by validation"
    case EUREKA_ESTART: "node could not start"
    case EUREKA_ENOMEM: "out of memory"
    default: "unknown error code"
    }
    return text.cString
}

@_spi(C) @c(eureka_last_error)
public func eurekaLastError() -> UnsafePointer<CChar> { LastError.current }

@_spi(C) @c(eureka_free)
public func eurekaFree(_ memory: UnsafeMutableRawPointer?) { free(memory) }

@_spi(C) @c(eureka_node_create)
public func eurekaNodeCreate(_ config: OpaquePointer?, _ loop: OpaquePointer?,
                             _ node: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    reportingFailure { () throws(EmbedFailure) in
        let out = try CArguments.out(node, "node")
        let settings = config.map { EmbeddedConfig.borrow($0).config } ?? ServerConfig()
        do throws(ConfigError) { try EurekaNode.validate(settings) } catch { throw EmbedFailure(error) }
        let eventLoop: EventLoop
        if let loop {
            eventLoop = EventLoop(borrowingUntyped: loop)
        } else {
            do { eventLoop = try EventLoop() } catch { throw EmbedFailure(code: EUREKA_ESTART, message: "cannot make a loop: \(error)") }
        }
        do {
            let embedded = EmbeddedNode(node: try EurekaNode(config: settings, loop: eventLoop))
            out.pointee = OpaquePointer(Unmanaged.passRetained(embedded).toOpaque())
        } catch {
            // What the failed start opened closes on the host's next turn; those callbacks still reach the loop object.
            if eventLoop.isBorrowed { eventLoop.keepAliveUntilIdle() }
            throw EmbedFailure(code: EUREKA_ESTART, message: "cannot start on \(settings.address) port \(settings.port): \(error)")
        }
    }
}

@_spi(C) @c(eureka_node_port)
public func eurekaNodePort(_ node: OpaquePointer?, _ port: UnsafeMutablePointer<Int32>?) -> Int32 {
    EmbeddedNode.with(node) { embedded in
        reportingFailure { () throws(EmbedFailure) in try CArguments.out(port, "port").pointee = Int32(embedded.port) }
    }
}

@_spi(C) @c(eureka_node_run)
public func eurekaNodeRun(_ node: OpaquePointer?) -> Int32 {
    EmbeddedNode.with(node) { embedded in reportingFailure { () throws(EmbedFailure) in try embedded.run() } }
}

@_spi(C) @c(eureka_node_stop)
public func eurekaNodeStop(_ node: OpaquePointer?, _ onStopped: eureka_stopped_cb?, _ userData: UnsafeMutableRawPointer?) -> Int32 {
    EmbeddedNode.with(node) { embedded in
        reportingFailure { () throws(EmbedFailure) in try embedded.stop(then: onStopped.map { NodeCallback($0, userData) }) }
    }
}

@_spi(C) @c(eureka_node_post)
public func eurekaNodePost(_ node: OpaquePointer?, _ function: eureka_post_cb?, _ userData: UnsafeMutableRawPointer?) -> Int32 {
    EmbeddedNode.with(node) { embedded in
        reportingFailure { () throws(EmbedFailure) in
            guard let function else { throw .invalid("fn is NULL") }
            try embedded.post(NodeCallback(function, userData))
        }
    }
}

@_spi(C) @c(eureka_node_free)
public func eurekaNodeFree(_ node: OpaquePointer?) -> Int32 {
    let status = EmbeddedNode.with(node) { embedded in reportingFailure { () throws(EmbedFailure) in try embedded.checkFreeable() } }
    if status == EUREKA_OK.rawValue, let node {
        Unmanaged<EmbeddedNode>.fromOpaque(UnsafeRawPointer(node)).release()  // the +1 of eureka_node_create
    }
    return status
}

@_spi(C) @c(eureka_node_set_event_callback)
public func eurekaNodeSetEventCallback(_ node: OpaquePointer?, _ callback: eureka_event_cb?,
                                       _ userData: UnsafeMutableRawPointer?) -> Int32 {
    EmbeddedNode.with(node) { embedded in
        embedded.onLoopThread { _ in embedded.events = callback.map { HostEventSink(callback: $0, userData: userData) } }
    }
}
