// The harness functions every C++ submission links against, compiled once (see prelude.hpp).
#include "prelude.hpp"

namespace ib_harness {

[[noreturn]] void mismatch(const char* wanted, const Json& j) {
    static const char* names[] = {"null", "bool", "number", "string", "list", "map"};
    throw std::invalid_argument(std::string("the test passes a ") + names[j.kind] +
                                " where the function takes " + wanted);
}
std::string quote(const std::string& text) {
    std::string out = "\"";
    for (unsigned char c : text) {
        if (c == '"') out += "\\\"";
        else if (c == '\\') out += "\\\\";
        else if (c == '\n') out += "\\n";
        else if (c == '\t') out += "\\t";
        else if (c == '\r') out += "\\r";
        else if (c < 0x20) {
            char buffer[8];
            std::snprintf(buffer, sizeof buffer, "\\u%04x", c);
            out += buffer;
        } else out += static_cast<char>(c);
    }
    return out + "\"";
}
const Json& argument(const Json& args, size_t index) {
    if (args.kind != Json::Array || index >= args.items.size())
        throw std::invalid_argument("the test has too few arguments");
    return args.items[index];
}

inline std::string exception_text(std::exception_ptr error) {
    try {
        std::rethrow_exception(error);
    } catch (const std::bad_alloc&) {
        return "std::bad_alloc: memory limit exceeded";
    } catch (const std::exception& e) {
        int status = 0;
        char* name = abi::__cxa_demangle(typeid(e).name(), nullptr, nullptr, &status);
        std::string type = status == 0 && name ? name : typeid(e).name();
        std::free(name);
        return type + ": " + e.what();
    } catch (...) {
        return "an exception that is not a std::exception";
    }
}

inline int results_fd = 1;

inline void emit(const std::string& line) {
    std::string text = line + "\n";
    size_t written = 0;
    while (written < text.size()) {
        ssize_t n = ::write(results_fd, text.data() + written, text.size() - written);
        if (n <= 0) break;
        written += static_cast<size_t>(n);
    }
}

// Reads {"token", "tests"} from stdin and reports each test through run_one.
int run_tests(std::string (*run_one)(const Json&)) {
    results_fd = ::dup(1);
    ::dup2(2, 1);  // the candidate's cout/printf land on stderr
    std::string input((std::istreambuf_iterator<char>(std::cin)), std::istreambuf_iterator<char>());
    Json payload = Parser(input).parse();
    std::string token;
    const Json* tests = nullptr;
    for (const auto& [key, value] : payload.fields) {
        if (key == "token") token = value.text;
        if (key == "tests") tests = &value;
    }
    pid_t self = ::getpid();
    for (size_t index = 0; tests && index < tests->items.size(); ++index) {
        std::string record;
        try {
            record = "{\"t\": " + std::to_string(index) + ", \"ok\": " +
                     run_one(tests->items[index]) + "}";
        } catch (...) {
            record = "{\"t\": " + std::to_string(index) +
                     ", \"error\": " + quote(exception_text(std::current_exception())) + "}";
        }
        if (::getpid() != self) ::_exit(0);  // a child forked by candidate code
        std::cout.flush();
        std::fflush(nullptr);
        emit(token + " " + record);
    }
    emit(token + " {\"done\": true}");
    std::fflush(nullptr);
    ::_exit(0);
}

}  // namespace ib_harness
