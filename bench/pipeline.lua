-- wrk script: each write carries N requests (HTTP/1.1 pipelining), N the first script argument
-- (16, as TechEmpower's plaintext test). Usage: wrk -s bench/pipeline.lua URL -- 16
init = function(args)
  local depth = tonumber(args[1]) or 16
  local requests = {}
  for i = 1, depth do
    requests[i] = wrk.format()
  end
  batch = table.concat(requests)
end

request = function()
  return batch
end
