-- A compact self-check of the Lua build (Debian's lua5.4 source ships no test suite): each section
-- exercises a part of the C implementation with asserts, and the script prints one line per section.
-- `make realworld` runs it under ffisan and compares its output with a plain build's.

local function section(name, fn)
  fn()
  print("ok " .. name)
end

section("strings", function()
  local s = ("abc"):rep(1000, ",")
  assert(#s == 3 * 1000 + 999)
  assert(s:sub(-3) == "abc" and s:find("c,a", 1, true) == 3)
  assert(("%5.2f|%-4s|%x|%q"):format(3.14159, "x", 255, "a\nb") == ' 3.14|x   |ff|"a\\\nb"')
  assert(("hello world"):gsub("o", "0") == "hell0 w0rld")
  assert(select(2, ("a,b,,c"):gsub(",", ",")) == 3)
  local words = {}
  for w in ("the quick brown fox"):gmatch("%a+") do words[#words + 1] = w:upper() end
  assert(table.concat(words, "-") == "THE-QUICK-BROWN-FOX")
  assert(("%d"):rep(3, " "):format(1, 2, 3) == "1 2 3")
  assert(string.pack("<i4", 0x01020304) == "\4\3\2\1")
  assert(string.unpack("<i4", "\4\3\2\1") == 0x01020304)
  assert(utf8.len("häll€") == 5 and utf8.char(0x20AC) == "€")
  assert(("x"):rep(0) == "" and ("ab"):reverse() == "ba")
end)

section("tables", function()
  local t = {}
  for i = 1, 10000 do t[i] = (i * 7919) % 10007 end
  table.sort(t)
  for i = 2, #t do assert(t[i - 1] <= t[i]) end
  table.insert(t, 1, -1)
  assert(table.remove(t, 1) == -1 and #t == 10000)
  assert(select("#", table.unpack({ 1, 2, 3 })) == 3)
  local moved = table.move({ 1, 2, 3 }, 1, 3, 2, { 9 })
  assert(table.concat(moved, ",") == "9,1,2,3")
  local h = {}
  for i = 1, 5000 do h["k" .. i] = i end
  for i = 1, 5000, 2 do h["k" .. i] = nil end
  local n = 0
  for _ in pairs(h) do n = n + 1 end
  assert(n == 2500)
end)

section("metatables", function()
  local V = {}
  V.__index = V
  V.__add = function(a, b) return setmetatable({ x = a.x + b.x }, V) end
  V.__eq = function(a, b) return a.x == b.x end
  V.__tostring = function(a) return "V(" .. a.x .. ")" end
  V.__len = function(a) return a.x end
  local a, b = setmetatable({ x = 1 }, V), setmetatable({ x = 2 }, V)
  assert(tostring(a + b) == "V(3)" and a + b == setmetatable({ x = 3 }, V) and #b == 2)
  local closed = {}
  do
    local _ <close> = setmetatable({}, { __close = function() closed[1] = true end })
  end
  assert(closed[1])
end)

section("closures and coroutines", function()
  local function counter()
    local n = 0
    return function() n = n + 1; return n end
  end
  local c = counter()
  c(); c()
  assert(c() == 3)
  local gen = coroutine.wrap(function(first)
    local v = first
    for i = 1, 3 do v = v + coroutine.yield(v * i) end
    return "done"
  end)
  assert(gen(1) == 1 and gen(1) == 4 and gen(1) == 9 and gen(1) == "done")
  local co = coroutine.create(function() error({ code = 7 }) end)
  local ok, err = coroutine.resume(co)
  assert(not ok and err.code == 7 and coroutine.status(co) == "dead")
end)

section("errors", function()
  local ok, msg = pcall(function() local x = nil; return x.field end)
  assert(not ok and msg:find("attempt to index"))
  local trace
  xpcall(function() error("deep") end, function(m) trace = debug.traceback(m) end)
  assert(trace:find("deep") and trace:find("stack traceback"))
  assert(select(2, pcall(error, setmetatable({}, { __tostring = function() return "obj" end }))) ~= nil)
end)

section("load and dump", function()
  local chunk = assert(load("local a, b = ... return a * b + 1"))
  assert(chunk(6, 7) == 43)
  local again = assert(load(string.dump(chunk), "dumped", "b"))
  assert(again(2, 3) == 7)
  assert(not load("return +"))
end)

section("numbers and math", function()
  assert(math.maxinteger + 1 == math.mininteger and 7 // 2 == 3 and 7 % -3 == -2)
  assert(math.type(1) == "integer" and math.type(1.0) == "float" and 3 / 2 == 1.5)
  assert(tostring(1e15) == "1e+15" and tonumber("0x10") == 16 and tonumber("z", 36) == 35)
  assert(math.abs(math.sin(math.pi / 2) - 1) < 1e-12 and math.floor(-3.5) == -4)
  math.randomseed(42)
  local r = math.random(1, 100)
  assert(r >= 1 and r <= 100)
end)

section("io and os", function()
  local f = assert(io.tmpfile())
  for i = 1, 1000 do f:write(i, "\n") end
  f:seek("set")
  local sum = 0
  for line in f:lines("n") do sum = sum + line end
  assert(sum == 500500)
  f:close()
  assert(os.time({ year = 2020, month = 1, day = 1, hour = 12 }) > 0)
  assert(os.date("!%Y-%m-%d", 0) == "1970-01-01" and os.getenv("FFISAN_SELFTEST_UNSET") == nil)
end)

section("garbage collector", function()
  local weak = setmetatable({}, { __mode = "k" })
  local finalized = 0
  for i = 1, 2000 do
    local key = setmetatable({}, { __gc = function() finalized = finalized + 1 end })
    weak[key] = i
  end
  collectgarbage()
  collectgarbage()
  assert(finalized == 2000 and next(weak) == nil)
  collectgarbage("generational")
  local keep = {}
  for i = 1, 100000 do keep[i % 100 + 1] = { i } end
  collectgarbage("incremental")
  assert(collectgarbage("count") > 0)
end)

print("selftest passed")
