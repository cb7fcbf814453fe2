/// `GET /actuator/info` (and `/info`): the version and build in the shape Spring Boot's info endpoint gives them
/// (`build` from build-info, `git` from git.properties), so dashboards that read a Spring server's info read ours.
/// BuildInfo is generated before each build by the BuildInfo plugin (scripts/build-info.sh).
enum InfoPage {
    static let body: [UInt8] = {
        var out: [UInt8] = []
        out += Array(#"{"build":{"artifact":"eureka-server","name":"eureka-swift","version":"#.utf8)
        out.appendJSONString(BuildInfo.version)
        out += Array(#"},"git":{"commit":{"id":"#.utf8)
        out.appendJSONString(BuildInfo.commit)
        out += Array(#","time":"#.utf8)
        out.appendJSONString(BuildInfo.commitTime)
        out += Array("}}}".utf8)
        return out
    }()
}
