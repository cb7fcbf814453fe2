import Foundation
import PackagePlugin

/// Writes BuildInfo.swift (the version from VERSION, the git commit) before every build of the target, through
/// scripts/build-info.sh, which rewrites the file only when its text changes (no needless recompiles).
@main
struct BuildInfoPlugin: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let output = context.pluginWorkDirectoryURL.appendingPathComponent("generated")
        let package = context.package.directoryURL
        return [.prebuildCommand(displayName: "Build info for \(target.name)",
                                 executable: URL(fileURLWithPath: "/bin/sh"),
                                 arguments: [package.appendingPathComponent("scripts/build-info.sh").path, package.path, output.path],
                                 outputFilesDirectory: output)]
    }
}
