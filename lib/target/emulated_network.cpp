#include "target/emulated_network.h"

#include "target/remote_target.h"

namespace deploybench::target {

EmulatedNetworkTarget::EmulatedNetworkTarget(std::unique_ptr<Target> inner, NetworkEmulation network)
    : inner_(std::move(inner)), network_(network) {}

EmulatedNetworkTarget::~EmulatedNetworkTarget() { (void)teardown(); }

Result<Endpoint> EmulatedNetworkTarget::deploy(const DeployContext& ctx) {
  auto ep = inner_->deploy(ctx);
  if (!ep) return ep;
  auto url = parse_base_url(ep->base_url);
  if (!url) return std::move(url).error();
  if (url->scheme != "http") {
    return make_error(ErrorCode::InvalidArgument, "network emulation needs an http endpoint, got " + ep->base_url);
  }
  auto proxy = DelayProxy::start({url->host, url->port, network_.delay, network_.jitter, 1});
  if (!proxy) return std::move(proxy).error();
  proxy_ = std::move(*proxy);
  upstream_ = ep->base_url;
  ep->base_url = "http://127.0.0.1:" + std::to_string(proxy_->port()) + url->path;
  return ep;
}

TargetInfo EmulatedNetworkTarget::describe() const {
  auto info = inner_->describe();
  info.details["network_delay"] = format_duration(network_.delay);
  info.details["network_jitter"] = format_duration(network_.jitter);
  info.details["network"] = "delay proxy (each direction) in front of " + upstream_;
  return info;
}

Status EmulatedNetworkTarget::teardown() {
  if (proxy_) {
    proxy_->stop();
    proxy_.reset();
  }
  return inner_->teardown();
}

}  // namespace deploybench::target
