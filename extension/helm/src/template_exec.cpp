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

#include <exception>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include <pthread.h>

#include "gpuext/helm/go_format.h"
#include "sprig_registry.h"
#include "template_impl.h"
#include "template_refs.h"

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
    // Created non-const: a map built by a function (dict, merge...) is changed in place later.
    auto p = std::make_shared<json>(std::move(j));
    return Value{p.get(), p, iface};
  }
  // The storage behind the value, which map writes change (see template_refs.h). Every
  // Value points into the execution's mutable data or into a json it owns.
  [[nodiscard]] json* Mutable() const { return const_cast<json*>(ptr); }
  [[nodiscard]] bool Valid() const { return ptr != nullptr; }
  [[nodiscard]] const json& Json() const {
    static const json kNull;
    return ptr ? *ptr : kNull;
  }
  [[nodiscard]] std::string TypeName() const { return iface ? "interface {}" : GoTypeName(Json()); }
};

enum class Flow { kNormal, kBreak, kContinue };

bool IsTrue(const Value& v) { return v.Valid() && GoTruth(*v.ptr); }

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
           int depth, std::shared_ptr<void> heap)
      : set_(set), impl_(impl), root_(root), call_depth_(depth), heap_(std::move(heap)) {
    if (!heap_)
      heap_ = std::make_shared<Heap>();
  }

  std::string Run(const Tree& tree, json& data) {
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

  [[noreturn]] void Errorf(const std::string& msg, std::vector<std::string> causes = {}) {
    std::string name = DoublePercent(tree_->name);
    if (at_ == nullptr) {
      throw TemplateError(TemplateError::Kind::kExec, "template: " + name + ": " + msg,
                          std::move(causes));
    }
    std::string location = ErrorLocation(*tree_, *at_);
    std::string context = DoublePercent(at_->String());
    throw TemplateError(
        TemplateError::Kind::kExec,
        "template: " + location + ": executing \"" + name + "\" at <" + context + ">: " + msg,
        std::move(causes));
  }

  // Go's "error calling f: %w": the function's error, and what it wraps, become causes.
  [[noreturn]] void ErrorCalling(const std::string& name, const std::exception& e) {
    std::vector<std::string> causes = {e.what()};
    if (const auto* te = dynamic_cast<const TemplateError*>(&e)) {
      causes.insert(causes.end(), te->causes().begin(), te->causes().end());
    }
    Errorf("error calling " + name + ": " + e.what(), std::move(causes));
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
      const json* ranged = val.ptr;
      // Helm's Files (from .Files.Glob) is a Go map of path to bytes: range sees its entries.
      if (auto t = ranged->find(kGoTypeKey);
          ranged->is_object() && t != ranged->end() && *t == "Files" && ranged->contains("files"))
        ranged = &(*ranged)["files"];
      const json& j = *ranged;
      if (j.is_array()) {
        for (size_t i = 0; i < j.size(); ++i) {
          ran = true;
          if (!OneIteration(r, Value::Own(json(static_cast<int64_t>(i)), false),
                            Value{&j[i], val.own, true}, mark))
            break;
        }
      } else if (j.is_object()) {
        // Go ranges over the keys sorted up front; the body may change the map (set/unset).
        std::vector<std::string> keys;
        keys.reserve(j.size());
        for (auto it = j.begin(); it != j.end(); ++it)
          keys.push_back(it.key());
        for (const std::string& key : keys) {
          auto it = j.find(key);
          ran = true;
          Value elem = it == j.end() ? Value{} : Value{&*it, val.own, true};
          if (!OneIteration(r, Value::Own(json(key), false), elem, mark))
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
      ErrorCalling(name, e);
    }
  }

  // evalArg for an interface{} (or reflect.Value, when `values`) parameter.
  Value EvalArg(const Value& dot, const Node& n, [[maybe_unused]] bool values) {
    At(n);
    switch (n.type) {
      case NodeType::kDot:
        return dot;
      case NodeType::kNil:
        // A reflect.Value parameter (eq, not, len, index...) gets the zero Value for nil, as
        // in Go: `eq nil nil` is true, `len nil` fails inside len.
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
    std::vector<Value> argval;
    if (args != nullptr) {
      argval.reserve(args->size());
      for (size_t i = 1; i < args->size(); ++i)
        argval.push_back(EvalArg(dot, *(*args)[i], values));
    }
    if (final != nullptr)
      argval.push_back(*final);
    const bool by_ref = bound != nullptr && impl_.bound_by_ref.contains(name);
    std::vector<json> argv;
    argv.reserve(argval.size());
    for (const Value& v : argval) {
      // A bound function reads a map or list that has storage through arg_refs: copying it
      // (include's `.` is the whole chart context) would dominate the render time.
      if (by_ref && v.Valid() && (v.Json().is_object() || v.Json().is_array()))
        argv.emplace_back();
      else
        argv.push_back(v.Json());
    }
    try {
      if (fn != nullptr) {
        json result = (*fn)(argv);
        return ResultValue(name, argval, std::move(result));
      }
      std::vector<json*> refs;
      refs.reserve(argval.size());
      for (const Value& v : argval)
        refs.push_back(v.Valid() ? v.Mutable() : nullptr);
      CallContext ctx{set_, root_, dot.Json(), call_depth_, refs, heap_};
      return Value::Own((*bound)(ctx, argv), true);
    } catch (const std::exception& e) {
      std::string msg = e.what();
      // Go converts arguments to the parameter types before the call: a wrong type fails at
      // the argument (the last one for a piped value), without "error calling".
      if (const auto* bad = dynamic_cast<const ArgumentTypeError*>(&e)) {
        const size_t given = args != nullptr ? args->size() - 1 : 0;
        const std::string& want = bad->expected();
        if (bad->index() < given) {
          const Node& arg = *(*args)[bad->index() + 1];
          At(arg);
          // Go checks a constant against the parameter's kind when it evaluates it.
          if (arg.type == NodeType::kNumber || arg.type == NodeType::kBool ||
              arg.type == NodeType::kString)
            Errorf("expected " + want + "; found " + arg.String());
          if (arg.type == NodeType::kNil)
            Errorf("cannot assign nil to " + want);
        } else {
          At(given > 0 ? *(*args)[given] : ident);
        }
        // A nil read from a map is an interface{} holding nil; "no value" is invalid.
        if (bad->index() < argval.size() && argval[bad->index()].Json().is_null())
          Errorf(argval[bad->index()].Valid()
                     ? "wrong type for value; expected " + want + "; got interface {}"
                     : "invalid value; expected " + want);
        Errorf(msg);
      }
      // Go checks arity before the call and reports it without "error calling".
      if (msg.starts_with("wrong number of args for ")) {
        At(ident);
        Errorf(msg);
      }
      At(cmd);
      ErrorCalling(name, e);
    }
  }

  // The value a function call yields. Go's maps are references: set/unset/merge change the map
  // their first argument points at and return it; default/coalesce/ternary/required/index/get
  // hand back the map they were given (or one inside it), so a later write through the result
  // reaches the original. Everything else is a fresh value.
  Value ResultValue(const std::string& name, const std::vector<Value>& args, json result) {
    if (!result.is_object() || args.empty())
      return Value::Own(std::move(result), true);
    if (MutatesFirstArgument(name)) {
      const Value& dst = args[0];
      if (dst.Valid() && dst.ptr->is_object()) {
        auto& heap = *static_cast<Heap*>(heap_.get());
        if (name == "set") {
          SetEntryInPlace(*dst.Mutable(), args[1].Json().get<std::string>(), args[2].Json(), heap);
        } else if (name == "unset") {
          RemoveEntryInPlace(*dst.Mutable(), args[1].Json().get<std::string>(), heap);
        } else {
          AssignMapInPlace(*dst.Mutable(), result, heap);
        }
        return Value{dst.ptr, dst.own, true};
      }
      return Value::Own(std::move(result), true);
    }
    if (const Value* ref = ReturnedArgument(name, args, result); ref != nullptr)
      return Value{ref->ptr, ref->own, true};
    if (name == "index" || name == "get") {
      // The element the call looked up, addressed inside its container.
      const json* cur = args[0].ptr;
      for (size_t i = 1; cur != nullptr && i < args.size(); ++i) {
        const json& key = args[i].Json();
        if (cur->is_object() && key.is_string()) {
          auto it = cur->find(key.get_ref<const std::string&>());
          cur = it == cur->end() ? nullptr : &*it;
        } else if (cur->is_array() && key.is_number_integer() && key.get<int64_t>() >= 0 &&
                   static_cast<size_t>(key.get<int64_t>()) < cur->size()) {
          cur = &(*cur)[static_cast<size_t>(key.get<int64_t>())];
        } else {
          cur = nullptr;
        }
      }
      if (cur != nullptr && cur->is_object())
        return Value{cur, args[0].own, true};
    }
    return Value::Own(std::move(result), true);
  }

  // For the functions that return one of their arguments as it is, that argument.
  static const Value* ReturnedArgument(const std::string& name, const std::vector<Value>& args,
                                       const json& result) {
    auto same = [&](size_t i) -> const Value* {
      return i < args.size() && args[i].Valid() && GoDeepEqual(args[i].Json(), result) ? &args[i]
                                                                                       : nullptr;
    };
    if (name == "default") {
      // default DEFAULT GIVEN: GIVEN unless it is empty.
      if (args.size() > 1 && !IsEmpty(args[1].Json()))
        return same(1);
      return same(0);
    }
    if (name == "required")
      return same(1);
    if (name == "ternary" && args.size() == 3 && args[2].Json().is_boolean())
      return same(args[2].Json().get<bool>() ? 0 : 1);
    if (name == "coalesce") {
      for (size_t i = 0; i < args.size(); ++i) {
        if (!IsEmpty(args[i].Json()))
          return same(i);
      }
    }
    return nullptr;
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
  std::shared_ptr<void> heap_;  // a Heap (template_refs.h), shared with nested executions
  std::vector<Var> vars_;
  std::string out_;
};

// Set on a thread RunWithLargeStack made: executions on it need no thread of their own.
thread_local bool t_on_large_stack = false;

}  // namespace

// Runs `fn` on a new thread with kLargeStack bytes of stack (address space; only the pages
// touched are backed) and waits for it; runs it in place when already on such a thread.
void RunWithLargeStack(const std::function<void()>& fn) {
  if (t_on_large_stack) {
    fn();
    return;
  }
  constexpr size_t kLargeStack = size_t{1} << 30;
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setstacksize(&attr, kLargeStack);
  pthread_t thread;
  auto trampoline = [](void* arg) -> void* {
    t_on_large_stack = true;
    (*static_cast<const std::function<void()>*>(arg))();
    return nullptr;
  };
  const int rc =
      pthread_create(&thread, &attr, trampoline, const_cast<std::function<void()>*>(&fn));
  pthread_attr_destroy(&attr);
  if (rc != 0) {
    fn();  // no thread to be had: run here, with the default stack
    return;
  }
  pthread_join(thread, nullptr);
}

std::string ExecuteTemplate(const TemplateSet& set, const TemplateSet::Impl& impl,
                            const std::string& name, json& data, int depth,
                            std::shared_ptr<void> heap) {
  auto it = impl.trees.find(name);
  if (it == impl.trees.end()) {
    throw TemplateError(TemplateError::Kind::kExec, "template: no template \"" + name +
                                                        "\" associated with template \"gotpl\"");
  }
  if (depth > 0) {
    Executor exec(set, impl, name, depth, std::move(heap));
    return exec.Run(*it->second, data);
  }
  // An outermost execution runs on a thread with a large stack: Go allows 100000 nested
  // {{template}} calls (its stacks grow), which would overflow a default 8 MiB stack here.
  std::string out;
  std::exception_ptr error;
  RunWithLargeStack([&] {
    try {
      Executor exec(set, impl, name, depth, std::move(heap));
      out = exec.Run(*it->second, data);
    } catch (...) {
      error = std::current_exception();
    }
  });
  if (error)
    std::rethrow_exception(error);
  return out;
}

}  // namespace gpuext::helm::internal
