-- Argo CD health of a FeatureDuck HistoricalRetrieval, from the phase and Complete condition the FeatureDuck operator
-- writes. A retrieval runs once: Healthy once its training set is written, Degraded with the reason when it failed,
-- Progressing while it waits (for its store, data plane or the Spark operator, with the reason) or runs on Spark.
local hs = {}
if obj.status == nil or obj.status.phase == nil then
  hs.status = "Progressing"
  hs.message = "Waiting for the FeatureDuck operator to plan this retrieval"
  return hs
end
local message = nil
if obj.status.conditions ~= nil then
  for _, condition in ipairs(obj.status.conditions) do
    if condition.type == "Complete" then
      message = condition.message
      if message == nil or message == "" then
        message = condition.reason
      end
    end
  end
end
if obj.status.phase == "Succeeded" then
  hs.status = "Healthy"
elseif obj.status.phase == "Failed" then
  hs.status = "Degraded"
else
  hs.status = "Progressing"
end
hs.message = message or obj.status.phase
return hs
