// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
//
// The executor of text/template (text/template/exec.go semantics) over JSON data.
//
// Go distinguishes an invalid reflect.Value ("no value": a missing map key under the default
// missingkey) from a nil interface{} (a key holding nil, or a missing key under
// missingkey=zero). Value keeps that distinction: ptr == nullptr is "no value", a json null
// is the nil interface. After every pipeline stage Go unwraps interface{} values, which turns
// a nil interface into "no value"; so does Finish().

#include <string>
#include <utility>
#include <vector>

#include "gpuext/helm/go_format.h"
#include "template_impl.h"

namespace gpuext::helm::internal {
namespace {

using nlohmann::json;

constexpr int kMaxExecDepth = 100000;

struct Value {
  const json* ptr = nullptr;
  std::shared_ptr<const json> own;
  bool iface = false;  // Go's static type is interface{} (map/slice element, function result)

  static Value Ref(const json& j, bool iface) { return Value{&j, nullptr, iface}; }
  static Value Own(json j, bool iface) {
    auto p = std::make_shared<const json>(std::move(j));
    return Value{p.get(), p, iface};
  }
  [[nodiscard]] bool Valid() const { return ptr != nullptr; }
  [[nodiscard]] const json& Json() const {
    static const json kNull;
    return ptr ? *ptr : kNull;
  }
  [[nodiscard]] std::string TypeName() const { return iface ? "interface {}" : GoTypeName(Json()); }
};

enum class Flow { kNormal, kBreak, kContinue };

bool IsTrue(const Value& v) {
  if (!v.Valid())
    return false;
  const json& j = *v.ptr;
  switch (j.type()) {
    case json::value_t::null:
      return false;
    case json::value_t::boolean:
      return j.get<bool>();
    case json::value_t::number_integer:
      return j.get<int64_t>() != 0;
    case json::value_t::number_unsigned:
      return j.get<uint64_t>() != 0;
    case json::value_t::number_float:
      return j.get<double>() != 0;
    case json::value_t::string:
      return !j.get_ref<const std::string&>().empty();
    case json::value_t::array:
    case json::value_t::object:
      return !j.empty();
    case json::value_t::binary:
      return !j.get_binary().empty();
    default:
      return true;
  }
}

// Go's doublePercent: error contexts go through Sprintf in Go.
std::string DoublePercent(const std::string& s) {
  std::string out;
  for (char c : s) {
    out += c;
    if (c == '%')
      out += '%';
  }
  return out;
}

class Executor {
 public:
  Executor(const TemplateSet& set, const TemplateSet::Impl& impl, const std::string& root,
           int depth)
      : set_(set), impl_(impl), root_(root), call_depth_(depth) {}

  std::string Run(const Tree& tree, const json& data) {
    tree_ = &tree;
    Value dot = Value::Ref(data, false);
    vars_.push_back({"$", dot});
    Walk(dot, *tree.root);
    return std::move(out_);
  }

 private:
  struct Var {
    std::string name;
    Value value;
  };

  [[noreturn]] void Errorf(const std::string& msg) {
    std::string name = DoublePercent(tree_->name);
    if (at_ == nullptr) {
      throw TemplateError(TemplateError::Kind::kExec, "template: " + name + ": " + msg);
    }
    std::string location = ErrorLocation(*tree_, *at_);
    std::string context = DoublePercent(at_->String());
    throw TemplateError(TemplateError::Kind::kExec, "template: " + location + ": executing \"" +
                                                        name + "\" at <" + context + ">: " + msg);
  }

  void At(const Node& n) { at_ = &n; }

  // --- statements -------------------------------------------------------------------------

  Flow Walk(const Value& dot, const Node& node) {
    At(node);
    switch (node.type) {
      case NodeType::kAction: {
        Value v = EvalPipeline(dot, node.pipe.get());
        if (node.pipe->decls.empty())
          Print(node, v);
        return Flow::kNormal;
      }
      case NodeType::kBreak:
        return Flow::kBreak;
      case NodeType::kContinue:
        return Flow::kContinue;
      case NodeType::kIf:
      case NodeType::kWith:
        return WalkIfOrWith(dot, node);
      case NodeType::kList:
        for (const auto& n : node.nodes) {
          Flow f = Walk(dot, *n);
          if (f != Flow::kNormal)
            return f;
        }
        return Flow::kNormal;
      case NodeType::kRange:
        return WalkRange(dot, node);
      case NodeType::kTemplate:
        WalkTemplate(dot, node);
        return Flow::kNormal;
      case NodeType::kText:
        out_ += node.text;
        return Flow::kNormal;
      default:
        Errorf("unknown node: " + node.String());
    }
  }

  Flow WalkIfOrWith(const Value& dot, const Node& node) {
    size_t mark = vars_.size();
    Value v = EvalPipeline(dot, node.pipe.get());
    Flow f = Flow::kNormal;
    if (IsTrue(v)) {
      f = Walk(node.type == NodeType::kWith ? v : dot, *node.list);
    } else if (node.else_list) {
      f = Walk(dot, *node.else_list);
    }
    vars_.resize(mark);
    return f;
  }

  void SetTopVar(size_t n, Value v) { vars_[vars_.size() - n].value = std::move(v); }
  void SetVar(const std::string& name, Value v) {
    for (size_t i = vars_.size(); i-- > 0;) {
      if (vars_[i].name == name) {
        vars_[i].value = std::move(v);
        return;
      }
    }
    Errorf("undefined variable: " + name);
  }

  // Returns false when the loop must stop ({{break}}).
  bool OneIteration(const Node& r, const Value& index, const Value& elem, size_t mark) {
    const auto& decls = r.pipe->decls;
    if (!decls.empty()) {
      if (r.pipe->is_assign) {
        SetVar(decls[0]->idents[0], decls.size() > 1 ? index : elem);
      } else {
        SetTopVar(1, elem);
      }
    }
    if (decls.size() > 1) {
      if (r.pipe->is_assign) {
        SetVar(decls[1]->idents[0], elem);
      } else {
        SetTopVar(2, index);
      }
    }
    Flow f = Walk(elem, *r.list);
    vars_.resize(mark);
    return f != Flow::kBreak;
  }

  Flow WalkRange(const Value& dot, const Node& r) {
    At(r);
    size_t outer = vars_.size();
    Value val = EvalPipeline(dot, r.pipe.get());
    size_t mark = vars_.size();
    bool ran = false;
    if (val.Valid()) {
      const json& j = *val.ptr;
      if (j.is_array()) {
        for (size_t i = 0; i < j.size(); ++i) {
          ran = true;
          if (!OneIteration(r, Value::Own(json(static_cast<int64_t>(i)), false),
                            Value{&j[i], val.own, true}, mark))
            break;
        }
      } else if (j.is_object()) {
        for (auto it = j.begin(); it != j.end(); ++it) {
          ran = true;
          if (!OneIteration(r, Value::Own(json(it.key()), false), Value{&it.value(), val.own, true},
                            mark))
            break;
        }
      } else if (j.is_number_integer() || j.is_number_unsigned()) {
        if (r.pipe->decls.size() > 1) {
          Errorf("can't use " + FormatGoValue(j) + " to iterate over more than one variable");
        }
        int64_t n =
            j.is_number_unsigned() ? static_cast<int64_t>(j.get<uint64_t>()) : j.get<int64_t>();
        for (int64_t i = 0; i < n; ++i) {
          ran = true;
          Value v = Value::Own(json(i), false);
          if (!OneIteration(r, v, v, mark))
            break;
        }
      } else if (!j.is_null()) {
        // Go reports this at the last node the pipeline evaluated.
        Errorf("range can't iterate over " + FormatGoValue(j));
      }
    }
    Flow f = Flow::kNormal;
    if (!ran && r.else_list)
      f = Walk(dot, *r.else_list);
    vars_.resize(outer);
    (void)f;
    return Flow::kNormal;
  }

  void WalkTemplate(const Value& dot, const Node& t) {
    At(t);
    auto it = impl_.trees.find(t.text);
    if (it == impl_.trees.end())
      Errorf("template \"" + t.text + "\" not defined");
    if (depth_ == kMaxExecDepth)
      Errorf("exceeded maximum template depth (100000)");
    Value new_dot = t.pipe ? EvalPipeline(dot, t.pipe.get()) : Value{};
    const Tree* saved_tree = tree_;
    auto saved_vars = std::move(vars_);
    vars_ = {{"$", new_dot}};
    tree_ = it->second.get();
    ++depth_;
    Walk(new_dot, *tree_->root);
    --depth_;
    tree_ = saved_tree;
    vars_ = std::move(saved_vars);
  }

  void Print(const Node& n, const Value& v) {
    At(n);
    if (!v.Valid()) {
      out_ += "<no value>";
      return;
    }
    out_ += FormatPrintable(*v.ptr);
  }

  // fmt.Fprint of a value, honouring String methods of typed objects.
  std::string FormatPrintable(const json& j) {
    if (j.is_object()) {
      auto t = j.find(kGoTypeKey);
      if (t != j.end() && t->is_string()) {
        auto type = impl_.methods.find(t->get_ref<const std::string&>());
        if (type != impl_.methods.end()) {
          auto m = type->second.find("String");
          if (m != type->second.end()) {
            json s = m->second(j, {});
            return s.is_string() ? s.get<std::string>() : FormatGoValue(s);
          }
        }
      }
    }
    return FormatGoValue(j);
  }

  // --- pipelines and commands -----------------------------------------------------------

  static Value Unwrap(Value v) {
    // Go unwraps interface{} results after each stage: a nil interface becomes "no value".
    if (v.Valid() && v.ptr->is_null())
      return Value{};
    v.iface = false;
    return v;
  }

  Value EvalPipeline(const Value& dot, const Node* pipe) {
    if (pipe == nullptr)
      return Value{};
    At(*pipe);
    Value value;
    bool have = false;
    for (const auto& cmd : pipe->nodes) {
      // The previous stage's value is this one's final argument.
      Value next = Unwrap(EvalCommand(dot, *cmd, have ? &value : nullptr));
      value = std::move(next);
      have = true;
    }
    for (const auto& v : pipe->decls) {
      if (pipe->is_assign) {
        SetVar(v->idents[0], value);
      } else {
        vars_.push_back({v->idents[0], value});
      }
    }
    return value;
  }

  void NotAFunction(const std::vector<std::unique_ptr<Node>>& args, const Value* final) {
    if (args.size() > 1 || final != nullptr) {
      Errorf("can't give argument to non-function " + args[0]->String());
    }
  }

  Value EvalCommand(const Value& dot, const Node& cmd, const Value* final) {
    const Node& first = *cmd.nodes[0];
    switch (first.type) {
      case NodeType::kField:
        return EvalFieldNode(dot, first, &cmd.nodes, final);
      case NodeType::kChain:
        return EvalChainNode(dot, first, &cmd.nodes, final);
      case NodeType::kIdentifier:
        return EvalFunction(dot, first, cmd, &cmd.nodes, final);
      case NodeType::kPipe:
        NotAFunction(cmd.nodes, final);
        return EvalPipeline(dot, &first);
      case NodeType::kVariable:
        return EvalVariableNode(dot, first, &cmd.nodes, final);
      default:
        break;
    }
    At(first);
    NotAFunction(cmd.nodes, final);
    switch (first.type) {
      case NodeType::kBool:
        return Value::Own(json(first.bool_value), false);
      case NodeType::kDot:
        return dot;
      case NodeType::kNil:
        Errorf("nil is not a command");
      case NodeType::kNumber:
        return IdealConstant(first);
      case NodeType::kString:
        return Value::Own(json(first.text), false);
      default:
        Errorf("can't evaluate command \"" + first.String() + "\"");
    }
  }

  Value IdealConstant(const Node& n) {
    At(n);
    if (n.is_float && n.float_literal)
      return Value::Own(json(n.float_value), false);
    if (n.is_int)
      return Value::Own(json(n.int_value), false);
    Errorf(n.text + " overflows int");
  }

  Value EvalFieldNode(const Value& dot, const Node& field,
                      const std::vector<std::unique_ptr<Node>>* args, const Value* final) {
    At(field);
    return EvalFieldChain(dot, dot, field, field.idents, 0, args, final);
  }

  Value EvalChainNode(const Value& dot, const Node& chain,
                      const std::vector<std::unique_ptr<Node>>* args, const Value* final) {
    At(chain);
    if (chain.pipe->type == NodeType::kNil)
      Errorf("indirection through explicit nil in " + chain.String());
    Value pipe = EvalArg(dot, *chain.pipe, false);
    return EvalFieldChain(dot, pipe, chain, chain.idents, 0, args, final);
  }

  Value EvalVariableNode(const Value& dot, const Node& var,
                         const std::vector<std::unique_ptr<Node>>* args, const Value* final) {
    At(var);
    Value value = VarValue(var.idents[0]);
    if (var.idents.size() == 1) {
      if (args)
        NotAFunction(*args, final);
      return value;
    }
    return EvalFieldChain(dot, value, var, var.idents, 1, args, final);
  }

  Value VarValue(const std::string& name) {
    for (size_t i = vars_.size(); i-- > 0;) {
      if (vars_[i].name == name)
        return vars_[i].value;
    }
    Errorf("undefined variable: " + name);
  }

  Value EvalFieldChain(const Value& dot, Value receiver, const Node& node,
                       const std::vector<std::string>& idents, size_t from,
                       const std::vector<std::unique_ptr<Node>>* args, const Value* final) {
    size_t n = idents.size();
    for (size_t i = from; i + 1 < n; ++i)
      receiver = EvalField(dot, idents[i], node, nullptr, nullptr, receiver);
    return EvalField(dot, idents[n - 1], node, args, final, receiver);
  }

  Value EvalField(const Value& dot, const std::string& name, const Node& node,
                  const std::vector<std::unique_ptr<Node>>* args, const Value* final,
                  const Value& receiver) {
    if (!receiver.Valid()) {
      if (impl_.missing == MissingKey::kError)
        Errorf("nil data; no entry for key \"" + name + "\"");
      return Value{};
    }
    const json& r = *receiver.ptr;
    if (r.is_null())
      Errorf("nil pointer evaluating " + receiver.TypeName() + "." + name);
    bool has_args = (args != nullptr && args->size() > 1) || final != nullptr;
    if (r.is_object()) {
      auto t = r.find(kGoTypeKey);
      if (t != r.end() && t->is_string()) {
        auto type = impl_.methods.find(t->get_ref<const std::string&>());
        if (type != impl_.methods.end()) {
          auto m = type->second.find(name);
          if (m != type->second.end())
            return CallMethod(dot, m->second, name, node, args, final, r);
        }
      }
      if (has_args)
        Errorf(name + " is not a method but has arguments");
      auto it = r.find(name);
      if (it != r.end())
        return Value{&*it, receiver.own, true};
      switch (impl_.missing) {
        case MissingKey::kDefault:
          return Value{};
        case MissingKey::kZero:
          return Value::Own(json(), true);
        case MissingKey::kError:
          Errorf("map has no entry for key \"" + name + "\"");
      }
    }
    Errorf("can't evaluate field " + name + " in type " + receiver.TypeName());
  }

  Value CallMethod(const Value& dot, const Method& method, const std::string& name,
                   const Node& node, const std::vector<std::unique_ptr<Node>>* args,
                   const Value* final, const json& receiver) {
    std::vector<json> argv;
    if (args != nullptr) {
      for (size_t i = 1; i < args->size(); ++i)
        argv.push_back(EvalArg(dot, *(*args)[i], false).Json());
    }
    if (final != nullptr)
      argv.push_back(final->Json());
    try {
      return Value::Own(method(receiver, argv), true);
    } catch (const TemplateError&) {
      throw;
    } catch (const std::exception& e) {
      At(node);
      Errorf("error calling " + name + ": " + e.what());
    }
  }

  // evalArg for an interface{} (or reflect.Value, when `values`) parameter.
  Value EvalArg(const Value& dot, const Node& n, bool values) {
    At(n);
    switch (n.type) {
      case NodeType::kDot:
        return dot;
      case NodeType::kNil:
        if (values)
          Errorf("cannot assign nil to reflect.Value");
        return Value::Own(json(), false);
      case NodeType::kField:
        return EvalFieldNode(dot, n, nullptr, nullptr);
      case NodeType::kVariable:
        return EvalVariableNode(dot, n, nullptr, nullptr);
      case NodeType::kPipe:
        return EvalPipeline(dot, &n);
      case NodeType::kIdentifier:
        return EvalFunction(dot, n, n, nullptr, nullptr);
      case NodeType::kChain:
        return EvalChainNode(dot, n, nullptr, nullptr);
      case NodeType::kBool:
        return Value::Own(json(n.bool_value), false);
      case NodeType::kNumber:
        return IdealConstant(n);
      case NodeType::kString:
        return Value::Own(json(n.text), false);
      default:
        Errorf("can't handle " + n.String() + " for arg of type interface {}");
    }
  }

  Value EvalFunction(const Value& dot, const Node& ident, const Node& cmd,
                     const std::vector<std::unique_ptr<Node>>* args, const Value* final) {
    At(ident);
    const std::string& name = ident.text;
    if ((name == "and" || name == "or") && !impl_.functions.contains(name) &&
        !impl_.bound.contains(name)) {
      return EvalAndOr(dot, name, cmd, args, final);
    }
    const Function* fn = nullptr;
    const BoundFunction* bound = nullptr;
    const auto& builtins = Builtins();
    bool values = false;
    // As in Go, functions added to the set win over the builtins (sprig's slice does).
    if (auto f = impl_.functions.find(name); f != impl_.functions.end()) {
      fn = &f->second;
    } else if (auto g = impl_.bound.find(name); g != impl_.bound.end()) {
      bound = &g->second;
    } else if (auto b = builtins.find(name); b != builtins.end()) {
      fn = &b->second;
      values = BuiltinTakesValues(name);
      // printf's format is a Go string parameter: a constant of another kind fails early.
      if (name == "printf" && args != nullptr && args->size() > 1) {
        const Node& first = *(*args)[1];
        if (first.type == NodeType::kNumber || first.type == NodeType::kBool ||
            first.type == NodeType::kNil || first.type == NodeType::kDot) {
          At(first);
          if (first.type == NodeType::kNil)
            Errorf("cannot assign nil to string");
          if (first.type != NodeType::kDot)
            Errorf("expected string; found " + first.String());
        }
      }
    } else {
      Errorf("\"" + name + "\" is not a defined function");
    }
    std::vector<json> argv;
    if (args != nullptr) {
      argv.reserve(args->size());
      for (size_t i = 1; i < args->size(); ++i)
        argv.push_back(EvalArg(dot, *(*args)[i], values).Json());
    }
    if (final != nullptr)
      argv.push_back(final->Json());
    try {
      if (fn != nullptr)
        return Value::Own((*fn)(argv), true);
      CallContext ctx{set_, root_, dot.Json(), call_depth_};
      return Value::Own((*bound)(ctx, argv), true);
    } catch (const std::exception& e) {
      std::string msg = e.what();
      // Go checks arity before the call and reports it without "error calling".
      if (msg.starts_with("wrong number of args for ")) {
        At(ident);
        Errorf(msg);
      }
      At(cmd);
      Errorf("error calling " + name + ": " + msg);
    }
  }

  Value EvalAndOr(const Value& dot, const std::string& name, const Node& cmd,
                  const std::vector<std::unique_ptr<Node>>* args, const Value* final) {
    size_t n = (args ? args->size() - 1 : 0) + (final ? 1 : 0);
    if (n < 1) {
      At(cmd);
      Errorf("wrong number of args for " + name + ": want at least 1 got 0");
    }
    bool is_or = name == "or";
    Value v;
    if (args != nullptr) {
      for (size_t i = 1; i < args->size(); ++i) {
        v = EvalArg(dot, *(*args)[i], true);
        if (IsTrue(v) == is_or)
          return v;
      }
    }
    if (final != nullptr)
      v = *final;
    return v;
  }

  const TemplateSet& set_;
  const TemplateSet::Impl& impl_;
  const std::string& root_;
  int call_depth_;
  const Tree* tree_ = nullptr;
  const Node* at_ = nullptr;
  int depth_ = 0;
  std::vector<Var> vars_;
  std::string out_;
};

}  // namespace

std::string ExecuteTemplate(const TemplateSet& set, const TemplateSet::Impl& impl,
                            const std::string& name, const json& data, int depth) {
  auto it = impl.trees.find(name);
  if (it == impl.trees.end()) {
    throw TemplateError(TemplateError::Kind::kExec, "template: no template \"" + name +
                                                        "\" associated with template \"gotpl\"");
  }
  Executor exec(set, impl, name, depth);
  return exec.Run(*it->second, data);
}

}  // namespace gpuext::helm::internal
