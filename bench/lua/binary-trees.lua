-- Allocation-heavy workload: build and walk many short-lived complete binary trees plus one long-lived
-- tree (the classic binary-trees benchmark). Every node is a Lua table, so the collector and the C
-- allocator under it do nearly all the work. Usage: lua binary-trees.lua MAX_DEPTH

local function bottom_up_tree(depth)
  if depth > 0 then
    depth = depth - 1
    return { bottom_up_tree(depth), bottom_up_tree(depth) }
  end
  return {}
end

local function item_check(tree)
  if tree[1] then
    return 1 + item_check(tree[1]) + item_check(tree[2])
  end
  return 1
end

local min_depth = 4
local max_depth = math.max(min_depth + 2, math.tointeger(tonumber(arg[1])) or 16)

local stretch_depth = max_depth + 1
print(string.format("stretch tree of depth %d\t check: %d", stretch_depth,
  item_check(bottom_up_tree(stretch_depth))))

local long_lived = bottom_up_tree(max_depth)

for depth = min_depth, max_depth, 2 do
  local iterations = 1 << (max_depth - depth + min_depth)
  local check = 0
  for _ = 1, iterations do
    check = check + item_check(bottom_up_tree(depth))
  end
  print(string.format("%d\t trees of depth %d\t check: %d", iterations, depth, check))
end

print(string.format("long lived tree of depth %d\t check: %d", max_depth, item_check(long_lived)))
