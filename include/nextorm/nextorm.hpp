// NextORM: typed entities, sessions that save themselves, PonyORM-style string queries.
#pragma once

// g++ 12 compiles C++17 unless told otherwise; say so once instead of pages of template errors.
#if __cplusplus < 202002L
#error "NextORM needs C++20: compile with -std=c++20 (or later)"
#else

#include <nextorm/async.hpp>
#include <nextorm/computed.hpp>
#include <nextorm/database.hpp>
#include <nextorm/entity.hpp>
#include <nextorm/entity_ptr.hpp>
#include <nextorm/enums.hpp>
#include <nextorm/errors.hpp>
#include <nextorm/event_loop.hpp>
#include <nextorm/fields.hpp>
#include <nextorm/inspect.hpp>
#include <nextorm/migrations.hpp>
#include <nextorm/params.hpp>
#include <nextorm/query.hpp>
#include <nextorm/registry.hpp>
#include <nextorm/session.hpp>
#include <nextorm/sql_log.hpp>
#include <nextorm/task.hpp>
#include <nextorm/value.hpp>

#endif
