import CEurekaServer
import Testing
@_spi(C) @testable import Server

/// The header is hand-written; the @c functions are Swift. Each pair must have one function type, or the
/// header's C caller and the Swift callee disagree about the ABI: `sameType` compiles only when they do, so a
/// drift fails the build of the tests. Two kinds are compared through a closure: the functions returning
/// `const char *` (an unannotated pointer return imports as an implicitly unwrapped optional), and the `uv_loop_t *`
/// of eureka_node_create, a typed pointer here (the tests see libuv) and an opaque one in Embed/ (which does not).
@Suite struct HeaderSignatureTests {
    private func sameType<Function>(_ header: Function, _ swift: Function) -> Bool { true }

    @Test func everyEntryPointHasTheSignatureOfItsPrototype() {
        #expect(sameType(CEurekaServer.eureka_version, eurekaVersion))
        #expect(sameType({ CEurekaServer.eureka_strerror($0)! }, eurekaStrerror))
        #expect(sameType({ CEurekaServer.eureka_last_error()! }, eurekaLastError))
        #expect(sameType(CEurekaServer.eureka_free, eurekaFree))
        #expect(sameType(CEurekaServer.eureka_config_new, eurekaConfigNew))
        #expect(sameType(CEurekaServer.eureka_config_set, eurekaConfigSet))
        #expect(sameType(CEurekaServer.eureka_config_free, eurekaConfigFree))
        #expect(sameType({ CEurekaServer.eureka_node_create($0, $1.map { UnsafeMutablePointer($0) }, $2) }, eurekaNodeCreate))
        #expect(sameType(CEurekaServer.eureka_node_port, eurekaNodePort))
        #expect(sameType(CEurekaServer.eureka_node_run, eurekaNodeRun))
        #expect(sameType(CEurekaServer.eureka_node_stop, eurekaNodeStop))
        #expect(sameType(CEurekaServer.eureka_node_post, eurekaNodePost))
        #expect(sameType(CEurekaServer.eureka_node_free, eurekaNodeFree))
        #expect(sameType(CEurekaServer.eureka_node_set_event_callback, eurekaNodeSetEventCallback))
        #expect(sameType(CEurekaServer.eureka_instance_init, eurekaInstanceInit))
        #expect(sameType(CEurekaServer.eureka_register, eurekaRegister))
        #expect(sameType(CEurekaServer.eureka_renew, eurekaRenew))
        #expect(sameType(CEurekaServer.eureka_cancel, eurekaCancel))
        #expect(sameType(CEurekaServer.eureka_set_status_override, eurekaSetStatusOverride))
        #expect(sameType(CEurekaServer.eureka_remove_status_override, eurekaRemoveStatusOverride))
        #expect(sameType(CEurekaServer.eureka_get_counts, eurekaGetCounts))
        #expect(sameType(CEurekaServer.eureka_get_instance, eurekaGetInstance))
        #expect(sameType(CEurekaServer.eureka_list_instances, eurekaListInstances))
        #expect(sameType(CEurekaServer.eureka_visit_instances, eurekaVisitInstances))
        #expect(sameType(CEurekaServer.eureka_get_registry, eurekaGetRegistry))
    }
}
