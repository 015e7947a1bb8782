-- Argo CD health of a FeatureDuck FeatureView, from the conditions the FeatureDuck operator writes.
-- Healthy: every data-plane pod serves the view's current definition (Ready=True) and the status describes the
-- current generation. Degraded: the store refused the view (Accepted=False), a pod serves an older table version
-- because its latest load failed (Degraded=True), or no pod could load it at all (Ready=False, LoadFailed).
-- Progressing: no status yet, a generation not yet observed, a pod still loading, or a pin not yet served.
local hs = {}
if obj.status == nil or obj.status.conditions == nil then
  hs.status = "Progressing"
  hs.message = "Waiting for the FeatureDuck operator to report this FeatureView's status"
  return hs
end
local generation = obj.metadata.generation
if generation ~= nil and obj.status.observedGeneration ~= generation then
  hs.status = "Progressing"
  hs.message = "Waiting for the FeatureDuck operator to observe generation " .. generation
  return hs
end
local conditions = {}
for _, condition in ipairs(obj.status.conditions) do
  conditions[condition.type] = condition
end
local function said(condition, fallback)
  if condition.message ~= nil and condition.message ~= "" then
    return condition.message
  end
  if condition.reason ~= nil then
    return condition.reason
  end
  return fallback
end
local function answer(status, condition, fallback)
  hs.status = status
  hs.message = said(condition, fallback)
  return hs
end
local accepted = conditions["Accepted"]
if accepted ~= nil and accepted.status == "False" then
  return answer("Degraded", accepted, "The FeatureView is not accepted")
end
local degraded = conditions["Degraded"]
if degraded ~= nil and degraded.status == "True" then
  return answer("Degraded", degraded, "The FeatureView is degraded")
end
local ready = conditions["Ready"]
if ready ~= nil and ready.status == "False" and ready.reason == "LoadFailed" then
  return answer("Degraded", ready, "The table could not be loaded")
end
local progressing = conditions["Progressing"]
if progressing ~= nil and progressing.status == "True" then
  return answer("Progressing", progressing, "The data plane is loading the view")
end
if ready ~= nil and ready.status == "True" then
  return answer("Healthy", ready, "Served")
end
hs.status = "Progressing"
if ready ~= nil then
  hs.message = said(ready, "Waiting for the view to become Ready")
else
  hs.message = "Waiting for the view to become Ready"
end
return hs
