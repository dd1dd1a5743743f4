#include "core/render.h"

#include "core/base64url.h"

namespace omm::core {
namespace {

std::string render_value(const Param& p) {
  std::string plain = p.plain();
  return p.spec->encoding == WireEncoding::kBase64 ? base64url_encode(plain) : plain;
}

}  // namespace

std::string render_operation(const Operation& op) {
  std::string out(op.spec->action);
  for (const Param& p : op.params) {
    out += ',';
    if (!op.spec->value_only) {
      out += p.name();
      out += '_';
    }
    out += render_value(p);
  }
  for (const ConcatInput& in : op.inputs) {
    out += '/';
    out += to_string(in.position);
    out += ",o_" + base64url_encode(in.key);
    if (in.ss) out += ",ss_" + std::to_string(*in.ss);
    if (in.t) out += ",t_" + std::to_string(*in.t);
  }
  return out;
}

std::string render_operations(std::span<const Operation> ops) {
  if (ops.empty()) return {};
  std::string out(ops.front().spec->prefix);
  for (const Operation& op : ops) {
    if (!out.empty()) out += '/';
    out += render_operation(op);
  }
  return out;
}

std::string render_operations(const Plan& plan) { return render_operations(plan.operations); }

std::string render_saveas(std::string_view target_key, std::string_view bucket) {
  std::string out = "|sys/saveas,o_" + base64url_encode(target_key);
  if (!bucket.empty()) out += ",b_" + base64url_encode(bucket);
  return out;
}

bool has_process_string(const Plan& plan) {
  OpKind kind = plan.kind();
  return kind != OpKind::kExtract && kind != OpKind::kTransfer;
}

std::optional<std::string> plan_saveas(const Plan& plan, std::string_view bucket) {
  if (!has_process_string(plan) || plan.output.mode != OutputMode::kSave) return std::nullopt;
  return render_saveas(plan.output.target_key, bucket);
}

std::optional<std::string> render_process_string(const Plan& plan, std::string_view bucket) {
  if (!has_process_string(plan)) return std::nullopt;
  std::string out = render_operations(plan);
  if (std::optional<std::string> saveas = plan_saveas(plan, bucket)) out += *saveas;
  return out;
}

}  // namespace omm::core
