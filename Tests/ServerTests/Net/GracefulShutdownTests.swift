@testable import Server
import Testing

@Suite(.serialized) struct GracefulShutdownTests {
    @Test func sigtermAnswersWhatIsInFlightAndExitsZeroWithinTwoSeconds() throws {
        let server = try ServerProcess()
        let idle = try RawClient(port: server.port)
        idle.send(HTTPCoreTests.status)
        #expect(try idle.readReply().status == 200)
        let busy = try RawClient(port: server.port)
        busy.send(String(repeating: HTTPCoreTests.status, count: 50))
        #expect(try busy.readReply().status == 200)  // the batch is being served
        let (status, seconds) = server.terminate()
        #expect(status == 0)
        #expect(seconds < 2.0)
        var answered = 1
        while (try? busy.readReply())?.status == 200 { answered += 1 }
        #expect(answered == 50)
        #expect(idle.readsEOF())
    }

    @Test func badSettingStopsStartUpWithExitCodeTwo() throws {
        #expect(throws: (any Error).self) { try ServerProcess(["--eureka.server.no-such-thing=1"]) }
    }
}
