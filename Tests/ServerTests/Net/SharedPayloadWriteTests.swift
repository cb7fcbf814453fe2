@testable import Server
import Testing

/// Large cached documents leave by reference (a second uv_buf_t), small answers by copy; pipelined
/// answers of both kinds must still arrive complete and in request order.
@Suite(.serialized) struct SharedPayloadWriteTests {
    /// 60 instances: one reference per body; 300: bodies over the per-write slice, sent in several writes.
    @Test(arguments: [60, 300])
    func largeSharedBodiesAndSmallAnswersInterleaveInOrder(instances: Int) throws {
        let node = try TestNode(["--eureka.server.use-read-only-response-cache=false"])
        defer { node.stop() }
        for n in 1...instances { #expect(try node.register(.orders(n)).status == 204) }
        let plain = try node.request(path: "/eureka/apps/", headers: [("Accept", "application/json")])
        #expect(plain.body.count > ResponseWriter.referenceThreshold)  // really goes by reference
        #expect(instances < 100 || plain.body.count > TCPStream.maxReferencedBytesPerWrite)  // and in slices
        let fetch = "GET /eureka/apps/ HTTP/1.1\r\nAccept: application/json\r\n\r\n"
        let beat = "PUT /eureka/apps/ORDERS/orders-1:orders:8080 HTTP/1.1\r\n\r\n"
        let client = try node.client()
        client.send(String(repeating: fetch + beat + fetch + "GET /eureka/nope HTTP/1.1\r\n\r\n", count: 20))
        for _ in 0..<20 {
            let first = try client.readReply()
            #expect(first.status == 200 && first.body == plain.body)
            #expect(try client.readReply().status == 200)
            let second = try client.readReply()
            #expect(second.status == 200 && second.body.count == plain.body.count)
            #expect(try client.readReply().status == 404)
        }
        #expect(node.eventually { $0.connectionCount == 1 })
    }
}
