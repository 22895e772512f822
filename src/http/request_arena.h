// Internal to http/: where a connection's request heads live. Beast allocates every header field (and
// the request line) separately; with the standard allocator that is several mallocs per request. A
// connection instead owns a RequestArena: allocations are bumped out of a fixed inline block, which is
// rewound for each request, and only what does not fit (a head with unusually large headers) falls
// back to operator new and is freed individually. Not thread-safe: it belongs to the connection.
#pragma once

#include <array>
#include <cstddef>
#include <new>
#include <type_traits>

namespace replyd::http {

// operator new/delete for what does not come from an arena, with the alignment of the type.
inline void* heap_allocate(std::size_t bytes, std::size_t alignment) {
  if (alignment > __STDCPP_DEFAULT_NEW_ALIGNMENT__) return ::operator new(bytes, std::align_val_t(alignment));
  return ::operator new(bytes);
}
inline void heap_deallocate(void* p, std::size_t alignment) noexcept {
  if (alignment > __STDCPP_DEFAULT_NEW_ALIGNMENT__) {
    ::operator delete(p, std::align_val_t(alignment));
  } else {
    ::operator delete(p);
  }
}

class RequestArena {
 public:
  static constexpr std::size_t kInlineBytes = 2048;

  void* allocate(std::size_t bytes, std::size_t alignment) {
    std::size_t start = (used_ + alignment - 1) & ~(alignment - 1);
    if (alignment <= alignof(std::max_align_t) && start + bytes <= kInlineBytes) {
      used_ = start + bytes;
      return block_.data() + start;
    }
    return heap_allocate(bytes, alignment);
  }

  void deallocate(void* p, std::size_t alignment) noexcept {
    auto* byte = static_cast<std::byte*>(p);
    if (byte >= block_.data() && byte < block_.data() + kInlineBytes) return;  // freed by rewind()
    heap_deallocate(p, alignment);
  }

  // Precondition: nothing allocated from the inline block is still in use.
  void rewind() { used_ = 0; }

 private:
  alignas(std::max_align_t) std::array<std::byte, kInlineBytes> block_;
  std::size_t used_ = 0;
};

// The standard-allocator face of a RequestArena, for Beast's basic_fields. Default-constructed (no
// arena) it is plain operator new/delete, which OwnedRequest uses. It propagates on move, so a message
// moved out of the parser keeps allocating from the same arena.
template <class T>
class ArenaAllocator {
 public:
  using value_type = T;
  using propagate_on_container_move_assignment = std::true_type;
  using propagate_on_container_copy_assignment = std::true_type;
  using propagate_on_container_swap = std::true_type;
  using is_always_equal = std::false_type;

  ArenaAllocator() noexcept = default;
  explicit ArenaAllocator(RequestArena* arena) noexcept : arena_(arena) {}
  template <class U>
  ArenaAllocator(const ArenaAllocator<U>& other) noexcept : arena_(other.arena()) {}

  T* allocate(std::size_t n) {
    if (arena_ == nullptr) return static_cast<T*>(heap_allocate(n * sizeof(T), alignof(T)));
    return static_cast<T*>(arena_->allocate(n * sizeof(T), alignof(T)));
  }
  void deallocate(T* p, std::size_t) noexcept {
    if (arena_ == nullptr) {
      heap_deallocate(p, alignof(T));
    } else {
      arena_->deallocate(p, alignof(T));
    }
  }

  RequestArena* arena() const noexcept { return arena_; }
  template <class U>
  bool operator==(const ArenaAllocator<U>& other) const noexcept {
    return arena_ == other.arena();
  }

 private:
  RequestArena* arena_ = nullptr;
};

}  // namespace replyd::http
