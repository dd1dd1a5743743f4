#include "mcp/session.h"

#include <spdlog/fmt/fmt.h>
#include <spdlog/spdlog.h>

#include "mcp/jsonrpc.h"
#include "mcp/outbox.h"
#include "mcp/server.h"
#include "mcp/tool_result.h"

namespace omm::mcp {

using nlohmann::json;

namespace {

const json& empty_object() {
  static const json kEmpty = json::object();
  return kEmpty;
}

// Deeper messages are refused: copying or printing nlohmann::json recurses once per level, and a
// line of "[[[[…" would otherwise overflow the stack. MCP messages need a handful of levels.
constexpr int kMaxNesting = 64;

// Whether `message` nests arrays/objects more than `limit` levels deep. Iterative on purpose.
bool too_deep(const json& message, int limit) {
  std::vector<std::pair<const json*, int>> stack{{&message, 1}};
  while (!stack.empty()) {
    auto [node, depth] = stack.back();
    stack.pop_back();
    if (!node->is_structured()) continue;
    if (depth > limit) return true;
    for (const json& child : *node) stack.emplace_back(&child, depth + 1);
  }
  return false;
}

std::string_view capability_for(std::string_view method) {
  if (method == "sampling/createMessage") return "sampling";
  if (method == "elicitation/create") return "elicitation";
  if (method == "roots/list") return "roots";
  return method;
}

}  // namespace

Session::Session(Server& server, std::shared_ptr<Outbox> outbox, std::string id)
    : server_(server),
      outbox_(std::move(outbox)),
      id_(std::move(id)),
      log_level_(server.options().default_log_level) {}

Session::~Session() = default;

bool Session::initialized() const {
  std::lock_guard<std::mutex> lock(mu_);
  return initialized_;
}

std::string Session::protocol_version() const {
  std::lock_guard<std::mutex> lock(mu_);
  return protocol_version_;
}

bool Session::subscribed(const std::string& uri) const {
  std::lock_guard<std::mutex> lock(mu_);
  return subscriptions_.count(uri) > 0;
}

size_t Session::in_flight() const {
  std::lock_guard<std::mutex> lock(mu_);
  return in_flight_.size();
}

void Session::send(json message, const json* related) {
  if (server_.options().redact) server_.options().redact(message);
  outbox_->send(message, related);
}

void Session::send_unrelated(json message) { send(std::move(message), nullptr); }

void Session::send_related(const json& message, const json& request_id) {
  send(message, &request_id);
}

void Session::reply(const json& id, json result) { send(make_result(id, std::move(result)), &id); }

void Session::reply_error(const json& id, int code, std::string_view message, const json* data) {
  send(make_error(id, code, message, data), id.is_null() ? nullptr : &id);
}

void Session::receive_text(std::string_view text) {
  json message = json::parse(text.begin(), text.end(), nullptr, false);
  if (message.is_discarded()) {
    reply_error(nullptr, rpc::kParseError, "Parse error: the message is not valid JSON");
    return;
  }
  receive(message);
}

void Session::receive(const json& message) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (closed_) return;
  }
  Classified c = classify(message);
  if (c.kind != MessageKind::kInvalid && too_deep(message, kMaxNesting)) {
    std::string why = fmt::format("Message nested too deeply (more than {} levels)", kMaxNesting);
    if (c.kind == MessageKind::kRequest) reply_error(c.id, rpc::kInvalidRequest, why);
    if (c.kind == MessageKind::kResponse) {
      handle_response(make_error(c.id, rpc::kInvalidRequest, why));  // the waiting call fails
    }
    return;
  }
  // The one exception boundary for message handling: a bug in a handler answers -32603 instead
  // of ending the process (stdio) or the connection.
  try {
    switch (c.kind) {
      case MessageKind::kInvalid:
        reply_error(c.id, c.error_code, c.error_message);
        return;
      case MessageKind::kRequest: {
        auto p = message.find("params");
        if (p != message.end() && !p->is_object()) {
          reply_error(c.id, rpc::kInvalidParams, "\"params\" must be an object");
          return;
        }
        handle_request(c.id, message["method"].get<std::string>(),
                       p == message.end() ? empty_object() : *p);
        return;
      }
      case MessageKind::kNotification: {
        auto p = message.find("params");
        handle_notification(message["method"].get<std::string>(),
                            (p == message.end() || !p->is_object()) ? empty_object() : *p);
        return;
      }
      case MessageKind::kResponse:
        handle_response(message);
        return;
    }
  } catch (const std::exception& e) {
    spdlog::error("session {}: handling {} failed: {}", id_,
                  c.kind == MessageKind::kRequest ? message["method"].get<std::string>()
                                                  : std::string("a message"),
                  e.what());
    if (c.kind == MessageKind::kRequest) reply_error(c.id, rpc::kInternalError, "Internal error");
  }
}

void Session::handle_request(const json& id, const std::string& method, const json& params) {
  if (method == "initialize") return on_initialize(id, params);
  if (method == "ping") return reply(id, json::object());
  if (!initialized()) {
    return reply_error(id, rpc::kInvalidRequest,
                       "Session not initialized: send \"initialize\" first");
  }
  if (method == "tools/list") return reply_tools_page(id, params);
  if (method == "tools/call") return on_tools_call(id, params);
  if (method == "prompts/list")
    return reply_page(id, params, "prompts", server_.prompts().listing());
  if (method == "prompts/get") return on_prompts_get(id, params);
  if (method == "resources/list") {
    return reply_page(id, params, "resources", server_.resources().listing());
  }
  if (method == "resources/templates/list") {
    return reply_page(id, params, "resourceTemplates", server_.resources().template_listing());
  }
  if (method == "resources/read") return on_resources_read(id, params);
  if (method == "resources/subscribe") return on_subscribe(id, params, true);
  if (method == "resources/unsubscribe") return on_subscribe(id, params, false);
  if (method == "completion/complete") return on_complete(id, params);
  if (method == "logging/setLevel") return on_set_level(id, params);
  reply_error(id, rpc::kMethodNotFound, fmt::format("Method not found: {}", method));
}

void Session::on_initialize(const json& id, const json& params) {
  auto v = params.find("protocolVersion");
  if (v == params.end() || !v->is_string()) {
    return reply_error(id, rpc::kInvalidParams, "initialize needs a string \"protocolVersion\"");
  }
  std::string requested = *v;
  std::string chosen =
      is_supported_protocol_version(requested) ? requested : kLatestProtocolVersion;
  {
    std::unique_lock<std::mutex> lock(mu_);
    if (initialized_) {
      lock.unlock();
      return reply_error(id, rpc::kInvalidRequest, "Session already initialized");
    }
    initialized_ = true;
    protocol_version_ = chosen;
    auto caps = params.find("capabilities");
    client_capabilities_ = (caps != params.end() && caps->is_object()) ? *caps : json::object();
  }
  const ServerInfo& info = server_.info();
  json server_info{{"name", info.name}, {"version", info.version}};
  if (!info.title.empty()) server_info["title"] = info.title;
  if (!info.description.empty()) server_info["description"] = info.description;
  json result{{"protocolVersion", chosen},
              {"capabilities", server_.capabilities()},
              {"serverInfo", std::move(server_info)}};
  if (!info.instructions.empty()) result["instructions"] = info.instructions;
  reply(id, std::move(result));
}

bool Session::page_bounds(const json& id, const json& params, size_t count, size_t* offset,
                          size_t* end) {
  *offset = 0;
  if (auto c = params.find("cursor"); c != params.end() && !c->is_null()) {
    std::string cursor = c->is_string() ? c->get<std::string>() : std::string();
    bool ok = cursor.size() > 2 && cursor.size() < 12 && cursor.rfind("o:", 0) == 0;
    for (size_t i = 2; ok && i < cursor.size(); ++i) ok = cursor[i] >= '0' && cursor[i] <= '9';
    if (ok) *offset = std::stoul(cursor.substr(2));
    if (!ok || *offset == 0 || *offset >= count) {
      reply_error(id, rpc::kInvalidParams, "Invalid cursor");
      return false;
    }
  }
  size_t page = std::max<size_t>(1, server_.options().page_size);
  *end = std::min(count, *offset + page);
  return true;
}

void Session::reply_page(const json& id, const json& params, std::string_view key,
                         const std::vector<json>& items) {
  size_t offset = 0;
  size_t end = 0;
  if (!page_bounds(id, params, items.size(), &offset, &end)) return;
  json list = json::array();
  for (size_t i = offset; i < end; ++i) list.push_back(items[i]);
  json result{{std::string(key), std::move(list)}};
  if (end < items.size()) result["nextCursor"] = "o:" + std::to_string(end);
  reply(id, std::move(result));
}

void Session::reply_tools_page(const json& id, const json& params) {
  const std::vector<std::string>& items = server_.tools().listing_text();
  size_t offset = 0;
  size_t end = 0;
  if (!page_bounds(id, params, items.size(), &offset, &end)) return;
  // The response is assembled as text, keys in the order nlohmann's dump would give them.
  std::string text = "{\"id\":" + id.dump(-1, ' ', false, json::error_handler_t::replace) +
                     ",\"jsonrpc\":\"2.0\",\"result\":{";
  if (end < items.size()) text += "\"nextCursor\":\"o:" + std::to_string(end) + "\",";
  text += "\"tools\":[";
  for (size_t i = offset; i < end; ++i) {
    if (i > offset) text += ',';
    text += items[i];
  }
  text += "]}}";
  // Declared text only (see ServerOptions::redact): the redaction boundary has nothing to remove
  // from it, and scanning its ~85 KB would cost ~0.7 ms of every cold start.
  outbox_->send_response_text(id, text);
}

void Session::on_tools_call(const json& id, const json& params) {
  auto n = params.find("name");
  if (n == params.end() || !n->is_string()) {
    return reply_error(id, rpc::kInvalidParams, "tools/call needs a string \"name\"");
  }
  std::string name = *n;
  if (server_.tools().find(name) == nullptr) {
    return reply_error(id, rpc::kInvalidParams, fmt::format("Unknown tool: {}", name));
  }
  json args = json::object();
  if (auto a = params.find("arguments"); a != params.end() && !a->is_null()) {
    if (!a->is_object()) {
      return reply_error(id, rpc::kInvalidParams, "tools/call \"arguments\" must be an object");
    }
    args = *a;
  }
  json token = nullptr;
  if (auto m = params.find("_meta"); m != params.end() && m->is_object()) {
    auto t = m->find("progressToken");
    if (t != m->end() && (t->is_string() || t->is_number_integer() || t->is_number_unsigned())) {
      token = *t;
    }
  }
  auto state = std::make_shared<CallState>(id, token);
  std::string key = id_key(id);
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (in_flight_.count(key)) {
      return reply_error(id, rpc::kInvalidRequest,
                         "Request id is already in use by a running call");
    }
    in_flight_[key] = state;
  }
  auto self = shared_from_this();
  bool queued = server_.pool().try_submit([self, state, name, args = std::move(args)]() mutable {
    self->run_tool(state, std::move(name), std::move(args));
  });
  if (!queued) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      in_flight_.erase(key);
    }
    idle_cv_.notify_all();
    reply(id, error_result(Status::error(
                  "server.busy",
                  fmt::format("too many tool calls in progress ({} running, {} waiting); retry "
                              "in a moment",
                              server_.pool().threads(), server_.pool().queue_capacity()))));
  }
}

void Session::run_tool(std::shared_ptr<CallState> state, std::string tool_name, json args) {
  json result;
  if (!state->cancelled()) {
    const ToolSpec* tool = server_.tools().find(tool_name);
    CallContext ctx(shared_from_this(), state);
    result = server_.tools().call(*tool, ctx, args);
  }
  bool deliver = state->finish();
  if (deliver) {
    reply(state->request_id(), std::move(result));
  } else {
    outbox_->end_request(state->request_id());  // cancelled: no response will come
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    in_flight_.erase(id_key(state->request_id()));
  }
  idle_cv_.notify_all();
}

void Session::on_prompts_get(const json& id, const json& params) {
  auto n = params.find("name");
  if (n == params.end() || !n->is_string()) {
    return reply_error(id, rpc::kInvalidParams, "prompts/get needs a string \"name\"");
  }
  const PromptSpec* prompt = server_.prompts().find(n->get<std::string>());
  if (prompt == nullptr) {
    return reply_error(id, rpc::kInvalidParams,
                       fmt::format("Unknown prompt: {}", n->get<std::string>()));
  }
  json args = json::object();
  if (auto a = params.find("arguments"); a != params.end() && !a->is_null()) {
    if (!a->is_object()) {
      return reply_error(id, rpc::kInvalidParams, "prompts/get \"arguments\" must be an object");
    }
    args = *a;
  }
  for (const auto& spec : prompt->arguments) {
    if (spec.required && (!args.contains(spec.name) || !args[spec.name].is_string())) {
      return reply_error(
          id, rpc::kInvalidParams,
          fmt::format("prompt {} needs the argument \"{}\"", prompt->name, spec.name));
    }
  }
  Result<json> r = prompt->get(args);
  if (!r.ok()) return reply_error(id, rpc::kInvalidParams, r.status().to_string());
  reply(id, *r);
}

void Session::on_resources_read(const json& id, const json& params) {
  auto u = params.find("uri");
  if (u == params.end() || !u->is_string()) {
    return reply_error(id, rpc::kInvalidParams, "resources/read needs a string \"uri\"");
  }
  std::string uri = *u;
  Result<json> r = server_.resources().read(uri);
  if (!r.ok()) {
    json data{{"uri", uri}};
    if (r.status().id() == "resource.not_found") {
      return reply_error(id, rpc::kResourceNotFound, r.status().message(), &data);
    }
    return reply_error(id, rpc::kInternalError, r.status().to_string(), &data);
  }
  reply(id, json{{"contents", *r}});
}

void Session::on_subscribe(const json& id, const json& params, bool subscribe) {
  auto u = params.find("uri");
  if (u == params.end() || !u->is_string()) {
    return reply_error(id, rpc::kInvalidParams, "resources/(un)subscribe needs a string \"uri\"");
  }
  std::string uri = *u;
  if (subscribe && !server_.resources().exists(uri)) {
    json data{{"uri", uri}};
    return reply_error(id, rpc::kResourceNotFound, "Resource not found: " + uri, &data);
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (subscribe) {
      subscriptions_.insert(uri);
    } else {
      subscriptions_.erase(uri);
    }
  }
  reply(id, json::object());
}

void Session::on_complete(const json& id, const json& params) {
  auto ref = params.find("ref");
  auto arg = params.find("argument");
  if (ref == params.end() || !ref->is_object() || arg == params.end() || !arg->is_object() ||
      !ref->contains("type") || !(*ref)["type"].is_string() || !arg->contains("name") ||
      !(*arg)["name"].is_string()) {
    return reply_error(
        id, rpc::kInvalidParams,
        "completion/complete needs \"ref\" {type, name|uri} and \"argument\" {name, value}");
  }
  std::string type = (*ref)["type"];
  std::string arg_name = (*arg)["name"];
  std::string value = arg->contains("value") && (*arg)["value"].is_string()
                          ? (*arg)["value"].get<std::string>()
                          : std::string();
  std::vector<std::string> values;
  // ref.name / ref.uri checked here: json::value() would throw on another type.
  const char* ref_key = type == "ref/prompt" ? "name" : "uri";
  auto key = ref->find(ref_key);
  if ((type == "ref/prompt" || type == "ref/resource") &&
      (key == ref->end() || !key->is_string())) {
    return reply_error(id, rpc::kInvalidParams, fmt::format("ref.{} must be a string", ref_key));
  }
  if (type == "ref/prompt") {
    std::string name = *key;
    const PromptSpec* p = server_.prompts().find(name);
    if (p == nullptr) return reply_error(id, rpc::kInvalidParams, "Unknown prompt: " + name);
    if (p->complete) values = p->complete(arg_name, value);
  } else if (type == "ref/resource") {
    std::string uri = *key;
    const ResourceTemplateSpec* t = server_.resources().find_template(uri);
    if (t == nullptr && !server_.resources().exists(uri)) {
      return reply_error(id, rpc::kInvalidParams, "Unknown resource or template: " + uri);
    }
    if (t && t->complete) values = t->complete(arg_name, value);
  } else {
    return reply_error(id, rpc::kInvalidParams, "ref.type must be ref/prompt or ref/resource");
  }
  size_t total = values.size();
  if (values.size() > 100) values.resize(100);
  reply(id, json{{"completion", {{"values", values}, {"total", total}, {"hasMore", total > 100}}}});
}

void Session::on_set_level(const json& id, const json& params) {
  auto l = params.find("level");
  std::optional<LogLevel> level;
  if (l != params.end() && l->is_string()) level = parse_log_level(l->get<std::string>());
  if (!level) {
    return reply_error(id, rpc::kInvalidParams,
                       "level must be one of debug, info, notice, warning, error, critical, "
                       "alert, emergency");
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    log_level_ = *level;
  }
  reply(id, json::object());
}

void Session::handle_notification(const std::string& method, const json& params) {
  if (method == "notifications/cancelled") {
    auto r = params.find("requestId");
    if (r == params.end()) return;
    std::shared_ptr<CallState> state;
    {
      std::lock_guard<std::mutex> lock(mu_);
      auto it = in_flight_.find(id_key(*r));
      if (it != in_flight_.end()) state = it->second;
    }
    if (state && state->cancel()) {
      spdlog::debug("session {}: request {} cancelled", id_, r->dump());
      // The response is suppressed: whatever waits for it (an HTTP request) is let go now,
      // not when the call gets round to stopping.
      outbox_->end_request(*r);
    }
    return;
  }
  if (method == "notifications/roots/list_changed") {
    std::lock_guard<std::mutex> lock(mu_);
    roots_.reset();
    ++roots_generation_;
    return;
  }
  // notifications/initialized, progress …: nothing to do.
}

void Session::handle_response(const json& message) {
  std::shared_ptr<PendingClientRequest> pending;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = pending_client_.find(id_key(message["id"]));
    if (it == pending_client_.end()) return;  // unknown or expired: ignore
    pending = it->second;
    pending_client_.erase(it);
  }
  pending->promise.set_value(message);
}

bool Session::log_enabled(LogLevel level) const {
  std::lock_guard<std::mutex> lock(mu_);
  return level >= log_level_;
}

bool Session::client_supports(std::string_view capability) const {
  std::lock_guard<std::mutex> lock(mu_);
  return client_capabilities_.contains(std::string(capability));
}

Result<json> Session::request_client(std::string_view method, json params,
                                     const json& related_request, std::chrono::milliseconds timeout,
                                     const std::function<bool()>& cancelled) {
  std::string_view capability = capability_for(method);
  if (!client_supports(capability)) {
    return Status::error(
        "client.unsupported",
        fmt::format("the client did not declare the \"{}\" capability", capability));
  }
  auto pending = std::make_shared<PendingClientRequest>();
  std::future<json> future = pending->promise.get_future();
  json request_id;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (closed_) return Status::error("client.closed", "the session is closed");
    request_id = "srv-" + std::to_string(++next_client_request_);
    pending_client_[id_key(request_id)] = pending;
  }
  send(make_request(request_id, method, std::move(params)), &related_request);
  auto deadline = std::chrono::steady_clock::now() + timeout;
  auto forget = [&] {
    std::lock_guard<std::mutex> lock(mu_);
    pending_client_.erase(id_key(request_id));
  };
  while (future.wait_for(std::chrono::milliseconds(20)) != std::future_status::ready) {
    if (cancelled && cancelled()) {
      forget();
      return Status::error("cancelled", "the call was cancelled");
    }
    if (std::chrono::steady_clock::now() >= deadline) {
      forget();
      return Status::error("client.timeout",
                           fmt::format("the client did not answer {} in time", method));
    }
  }
  json response = future.get();
  if (auto e = response.find("error"); e != response.end()) {
    std::string msg = "error";
    if (e->is_object() && e->contains("message") && (*e)["message"].is_string()) {
      msg = (*e)["message"].get<std::string>();
    }
    return Status::error("client.error", fmt::format("{} failed: {}", method, msg));
  }
  return response.value("result", json::object());
}

std::vector<std::string> Session::client_roots(const json& related_request,
                                               const std::function<bool()>& cancelled) {
  // Asked when a call first needs them, on that call's stream (over HTTP a request outside any
  // call would need the client's optional GET stream). A client that does not answer within
  // kRootsTimeout, or answers with an error, has no roots until it says they changed.
  constexpr std::chrono::seconds kRootsTimeout{5};
  constexpr size_t kMaxRoots = 64;
  unsigned long long generation = 0;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!server_.options().client_roots || !client_capabilities_.contains("roots")) return {};
    if (roots_) return *roots_;
    generation = roots_generation_;
  }
  auto r = request_client("roots/list", json::object(), related_request, kRootsTimeout, cancelled);
  if (!r.ok() && r.status().id() == "cancelled") return {};
  std::vector<std::string> uris;
  if (!r.ok()) {
    spdlog::warn("session {}: roots/list: {}", id_, r.status().message());
  } else if (auto roots = r->find("roots"); roots != r->end() && roots->is_array()) {
    for (size_t i = 0; i < roots->size() && i < kMaxRoots; ++i) {
      const json& root = (*roots)[i];
      auto uri = root.is_object() ? root.find("uri") : root.end();
      if (uri != root.end() && uri->is_string()) uris.push_back(uri->get<std::string>());
    }
  }
  std::lock_guard<std::mutex> lock(mu_);
  if (roots_generation_ == generation) roots_ = uris;
  return uris;
}

void Session::close() {
  std::map<std::string, std::shared_ptr<CallState>> calls;
  std::map<std::string, std::shared_ptr<PendingClientRequest>> pending;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (closed_) return;
    closed_ = true;
    calls = in_flight_;
    pending.swap(pending_client_);
  }
  for (auto& [key, state] : calls) state->cancel();
  for (auto& [key, p] : pending) {
    p->promise.set_value(
        json{{"error", {{"code", rpc::kInternalError}, {"message", "session closed"}}}});
  }
}

bool Session::wait_idle(std::chrono::milliseconds max) {
  std::unique_lock<std::mutex> lock(mu_);
  return idle_cv_.wait_for(lock, max, [this] { return in_flight_.empty(); });
}

}  // namespace omm::mcp
