#pragma once
// Where the podman and docker CLIs differ, as pure argument vectors (tested without running
// either). docker has no `image exists`, no `rm -t` and reports the daemon's version apart from
// the client's; podman's and docker's "no such container" messages differ in case.
#include <string>
#include <vector>

namespace deploybench::target {

/// Exit 0 when the image is present locally: `image inspect` works on both runtimes.
std::vector<std::string> image_present_argv(const std::string& runtime, const std::string& image);

/// Stops and removes a container. podman gives it `grace_s` seconds after SIGTERM; docker's
/// `rm -f` has no grace flag and kills at once (refbot holds nothing that needs a clean stop).
std::vector<std::string> container_remove_argv(const std::string& runtime, const std::string& name, int grace_s);

/// The engine's version: the daemon's for docker (the client may be newer), podman's own.
std::vector<std::string> runtime_version_argv(const std::string& runtime);

/// The CLI said the container does not exist (already removed: not an error for teardown).
bool says_no_such_container(const std::string& output);

}  // namespace deploybench::target
