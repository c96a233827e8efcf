// docs/async.md's example, as a program: an async session inserts a post, another reads it and
// removes it; `nextorm::run` drives the tasks on this thread.
#include <nextorm/nextorm.hpp>

#include <iostream>

using namespace nextorm;

struct Post : entity<Post> {
  Req<std::string> title{"title"};
  Req<std::string> body{"body"};
};

task<std::int64_t> blog(database& db) {
  co_await db.abind("sqlite::memory:");
  co_await db.agenerate_mapping<Post>({.create_tables = true});

  // INSERT at the session's end, as with db_session.
  co_await async_session(db, [&]() -> task<> {
    (void)Post::create({{"title", "Hello"}, {"body", "World"}});
    co_return;
  });

  co_return co_await async_session(db, [&]() -> task<std::int64_t> {
    auto posts = co_await Post::aselect("p.title == 'Hello'");
    std::cout << posts.size() << " post: " << std::string{posts[0].body} << '\n';
    auto first = co_await Post::aselect().order_by("p.id").first();
    co_await async_call([&] { first->remove(); });  // DELETE at the session's end
    co_return co_await Post::aselect().count();     // (flushed first: 0)
  });
}

int main() {
  database db;
  return static_cast<int>(nextorm::run(blog(db)));
}
