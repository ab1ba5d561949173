// C++ harness, precompiled once: the standard library plus what the generated main() needs to
// read the tests (JSON on stdin), convert each argument to whatever type the candidate's
// function takes, and print each result as "<token> <json>" on the original stdout.
// The functions marked "runtime" are defined in runtime.cpp, compiled once into runtime.o, so
// each submission's compile only builds what depends on its types.
#pragma once
#include <bits/stdc++.h>
#include <cxxabi.h>
#include <unistd.h>

namespace ib_harness {

struct Json {
    enum Kind { Null, Bool, Number, String, Array, Object } kind = Null;
    bool boolean = false;
    bool integral = false;
    long long integer = 0;
    double number = 0;
    std::string text;
    std::vector<Json> items;
    std::vector<std::pair<std::string, Json>> fields;
};

class Parser {
  public:
    explicit Parser(const std::string& source) : s(source) {}

    Json parse() {
        skip();
        Json value;
        if (i >= s.size()) throw std::runtime_error("unexpected end of input");
        char c = s[i];
        if (c == '{') {
            value.kind = Json::Object;
            ++i;
            skip();
            if (peek('}')) return ++i, value;
            while (true) {
                skip();
                std::string key = parse().text;
                skip();
                expect(':');
                value.fields.emplace_back(key, parse());
                skip();
                if (peek(',')) { ++i; continue; }
                expect('}');
                return value;
            }
        }
        if (c == '[') {
            value.kind = Json::Array;
            ++i;
            skip();
            if (peek(']')) return ++i, value;
            while (true) {
                value.items.push_back(parse());
                skip();
                if (peek(',')) { ++i; continue; }
                expect(']');
                return value;
            }
        }
        if (c == '"') {
            value.kind = Json::String;
            value.text = string();
            return value;
        }
        if (word("null")) return value;
        if (word("true")) { value.kind = Json::Bool; value.boolean = true; return value; }
        if (word("false")) { value.kind = Json::Bool; return value; }
        if (word("NaN")) { value.kind = Json::Number; value.number = NAN; return value; }
        if (word("Infinity")) { value.kind = Json::Number; value.number = INFINITY; return value; }
        if (word("-Infinity")) { value.kind = Json::Number; value.number = -INFINITY; return value; }
        size_t start = i;
        while (i < s.size() && std::strchr("+-0123456789.eE", s[i])) ++i;
        std::string digits = s.substr(start, i - start);
        if (digits.empty()) throw std::runtime_error("bad JSON");
        value.kind = Json::Number;
        value.number = std::stod(digits);
        value.integral = digits.find_first_of(".eE") == std::string::npos;
        if (value.integral) value.integer = std::stoll(digits);
        return value;
    }

  private:
    const std::string& s;
    size_t i = 0;

    void skip() { while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) ++i; }
    bool peek(char c) const { return i < s.size() && s[i] == c; }
    void expect(char c) {
        if (!peek(c)) throw std::runtime_error(std::string("expected ") + c);
        ++i;
    }
    bool word(const char* w) {
        size_t n = std::strlen(w);
        if (s.compare(i, n, w) != 0) return false;
        i += n;
        return true;
    }
    static void utf8(std::string& out, unsigned code) {
        if (code < 0x80) out += char(code);
        else if (code < 0x800) { out += char(0xC0 | (code >> 6)); out += char(0x80 | (code & 0x3F)); }
        else if (code < 0x10000) {
            out += char(0xE0 | (code >> 12));
            out += char(0x80 | ((code >> 6) & 0x3F));
            out += char(0x80 | (code & 0x3F));
        } else {
            out += char(0xF0 | (code >> 18));
            out += char(0x80 | ((code >> 12) & 0x3F));
            out += char(0x80 | ((code >> 6) & 0x3F));
            out += char(0x80 | (code & 0x3F));
        }
    }
    unsigned hex4() {
        unsigned code = std::stoul(s.substr(i, 4), nullptr, 16);
        i += 4;
        return code;
    }
    std::string string() {
        expect('"');
        std::string out;
        while (i < s.size() && s[i] != '"') {
            char c = s[i++];
            if (c != '\\') { out += c; continue; }
            char e = s[i++];
            switch (e) {
                case 'n': out += '\n'; break;
                case 't': out += '\t'; break;
                case 'r': out += '\r'; break;
                case 'b': out += '\b'; break;
                case 'f': out += '\f'; break;
                case 'u': {
                    unsigned code = hex4();
                    if (code >= 0xD800 && code < 0xDC00 && s.compare(i, 2, "\\u") == 0) {
                        i += 2;
                        code = 0x10000 + ((code - 0xD800) << 10) + (hex4() - 0xDC00);
                    }
                    utf8(out, code);
                    break;
                }
                default: out += e;
            }
        }
        expect('"');
        return out;
    }
};

[[noreturn]] void mismatch(const char* wanted, const Json& j);  // runtime
std::string quote(const std::string& text);                       // runtime
const Json& argument(const Json& args, size_t index);             // runtime
int run_tests(std::string (*run_one)(const Json&));               // runtime


template <class T, class = void>
struct From {
    static T get(const Json&) {
        static_assert(sizeof(T) == 0, "this parameter type cannot be read from the tests");
    }
};
template <>
struct From<bool> {
    static bool get(const Json& j) {
        if (j.kind != Json::Bool) mismatch("bool", j);
        return j.boolean;
    }
};
template <class T>
struct From<T, std::enable_if_t<std::is_integral_v<T> && !std::is_same_v<T, bool> &&
                                !std::is_same_v<T, char>>> {
    static T get(const Json& j) {
        if (j.kind != Json::Number || !j.integral) mismatch("an integer", j);
        return static_cast<T>(j.integer);
    }
};
template <class T>
struct From<T, std::enable_if_t<std::is_floating_point_v<T>>> {
    static T get(const Json& j) {
        if (j.kind != Json::Number) mismatch("a number", j);
        return static_cast<T>(j.integral ? static_cast<double>(j.integer) : j.number);
    }
};
template <>
struct From<char> {
    static char get(const Json& j) {
        if (j.kind != Json::String || j.text.size() != 1) mismatch("a char", j);
        return j.text[0];
    }
};
template <>
struct From<std::string> {
    static std::string get(const Json& j) {
        if (j.kind != Json::String) mismatch("a string", j);
        return j.text;
    }
};
template <class T>
struct From<std::optional<T>> {
    static std::optional<T> get(const Json& j) {
        if (j.kind == Json::Null) return std::nullopt;
        return From<T>::get(j);
    }
};
template <class T>
struct From<std::vector<T>> {
    static std::vector<T> get(const Json& j) {
        if (j.kind != Json::Array) mismatch("a vector", j);
        std::vector<T> out;
        out.reserve(j.items.size());
        for (const Json& item : j.items) out.push_back(From<T>::get(item));
        return out;
    }
};
template <class M>
struct FromMap {
    static M get(const Json& j) {
        if (j.kind != Json::Object) mismatch("a map", j);
        M out;
        for (const auto& [key, value] : j.fields)
            out.emplace(key, From<typename M::mapped_type>::get(value));
        return out;
    }
};
template <class V>
struct From<std::map<std::string, V>> : FromMap<std::map<std::string, V>> {};
template <class V>
struct From<std::unordered_map<std::string, V>> : FromMap<std::unordered_map<std::string, V>> {};

// Which parameter types an argument can be read as (so a class's copy constructor is not).
template <class T>
struct Readable
    : std::bool_constant<std::is_arithmetic_v<T> || std::is_same_v<T, std::string>> {};
template <class T>
struct Readable<std::vector<T>> : Readable<T> {};
template <class T>
struct Readable<std::optional<T>> : Readable<T> {};
template <class V>
struct Readable<std::map<std::string, V>> : Readable<V> {};
template <class V>
struct Readable<std::unordered_map<std::string, V>> : Readable<V> {};

// One argument of a call: converts to whatever the parameter is (by value, const& or &).
struct Arg {
    const Json* json;
    mutable std::shared_ptr<void> holder;

    template <class T, class = std::enable_if_t<Readable<std::remove_cv_t<T>>::value>>
    operator T&() const {
        using Plain = std::remove_cv_t<T>;
        auto value = std::make_shared<Plain>(From<Plain>::get(*json));
        holder = value;
        return *value;
    }
};


inline std::string to_json(bool value) { return value ? "true" : "false"; }
inline std::string to_json(char value) { return quote(std::string(1, value)); }
inline std::string to_json(const std::string& value) { return quote(value); }
inline std::string to_json(const char* value) { return quote(value ? value : ""); }
inline std::string to_json(std::string_view value) { return quote(std::string(value)); }
template <class T>
std::enable_if_t<std::is_integral_v<T> && !std::is_same_v<T, bool> && !std::is_same_v<T, char>,
                 std::string>
to_json(T value) {
    return std::to_string(value);
}
template <class T>
std::enable_if_t<std::is_floating_point_v<T>, std::string> to_json(T value) {
    if (std::isnan(value)) return "NaN";
    if (std::isinf(value)) return value > 0 ? "Infinity" : "-Infinity";
    char buffer[64];
    std::snprintf(buffer, sizeof buffer, "%.17g", static_cast<double>(value));
    return buffer;
}
template <class T>
std::string to_json(const std::optional<T>& value) {
    return value ? to_json(*value) : "null";
}
template <class T>
std::string to_json(const std::vector<T>& values);
template <class K, class V>
std::string to_json(const std::map<K, V>& values);
template <class K, class V>
std::string to_json(const std::unordered_map<K, V>& values);
template <class A, class B>
std::string to_json(const std::pair<A, B>& value) {
    return "[" + to_json(value.first) + ", " + to_json(value.second) + "]";
}
template <class T>
std::string to_json(const std::vector<T>& values) {
    std::string out = "[";
    for (size_t k = 0; k < values.size(); ++k) {
        if (k) out += ", ";
        out += to_json(static_cast<T>(values[k]));
    }
    return out + "]";
}
template <class M>
std::string map_json(const M& values) {
    std::string out = "{";
    bool first = true;
    for (const auto& [key, value] : values) {
        if (!first) out += ", ";
        first = false;
        out += quote(key) + ": " + to_json(value);
    }
    return out + "}";
}
template <class K, class V>
std::string to_json(const std::map<K, V>& values) {
    return map_json(values);
}
template <class K, class V>
std::string to_json(const std::unordered_map<K, V>& values) {
    return map_json(values);
}

// Calls f and encodes what it returns; a void call is JSON null.
template <class F>
std::string call(F&& f) {
    if constexpr (std::is_void_v<std::invoke_result_t<F>>) {
        f();
        return "null";
    } else {
        return to_json(f());
    }
}


}  // namespace ib_harness
