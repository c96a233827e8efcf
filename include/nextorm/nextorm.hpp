// NextORM: typed entities, sessions that save themselves, PonyORM-style string queries.
#pragma once

#include <nextorm/database.hpp>
#include <nextorm/entity.hpp>
#include <nextorm/entity_ptr.hpp>
#include <nextorm/errors.hpp>
#include <nextorm/fields.hpp>
#include <nextorm/params.hpp>
#include <nextorm/query.hpp>
#include <nextorm/registry.hpp>
#include <nextorm/session.hpp>
#include <nextorm/value.hpp>
