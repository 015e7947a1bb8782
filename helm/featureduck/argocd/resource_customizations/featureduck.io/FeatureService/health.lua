-- Argo CD health of a FeatureDuck FeatureService, from the conditions the FeatureDuck operator writes. A feature
-- service is a named list of features: Healthy once its store and views resolve it (Accepted=True) for the current
-- generation, Degraded with the reason when they do not (Accepted=False), Progressing until the operator reports.
local hs = {}
if obj.status == nil or obj.status.conditions == nil then
  hs.status = "Progressing"
  hs.message = "Waiting for the FeatureDuck operator to report this FeatureService's status"
  return hs
end
local generation = obj.metadata.generation
if generation ~= nil and obj.status.observedGeneration ~= generation then
  hs.status = "Progressing"
  hs.message = "Waiting for the FeatureDuck operator to observe generation " .. generation
  return hs
end
for _, condition in ipairs(obj.status.conditions) do
  if condition.type == "Accepted" then
    local message = condition.message
    if message == nil or message == "" then
      message = condition.reason
    end
    if condition.status == "True" then
      hs.status = "Healthy"
    elseif condition.status == "False" then
      hs.status = "Degraded"
    else
      hs.status = "Progressing"
    end
    hs.message = message
    return hs
  end
end
hs.status = "Progressing"
hs.message = "Waiting for the FeatureDuck operator to resolve the service's features"
return hs
