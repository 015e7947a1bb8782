-- Argo CD health of a FeatureDuck FeatureStore, from the conditions the FeatureDuck operator writes.
-- Healthy: the data plane runs the current configuration on every replica (Ready=True) and the status describes
-- the current generation. Degraded: an invalid spec, a pod that cannot start, a stuck rollout or a failing
-- reconcile (Degraded=True). Suspended: scaled to zero replicas on purpose. Progressing: no status yet, a generation
-- not yet observed, or a rollout under way.
local hs = {}
if obj.status == nil or obj.status.conditions == nil then
  hs.status = "Progressing"
  hs.message = "Waiting for the FeatureDuck operator to report this FeatureStore's status"
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
  return answer("Degraded", accepted, "The FeatureStore is not accepted")
end
local degraded = conditions["Degraded"]
if degraded ~= nil and degraded.status == "True" then
  return answer("Degraded", degraded, "The FeatureStore is degraded")
end
local ready = conditions["Ready"]
if ready ~= nil and ready.status == "False" and ready.reason == "ScaledToZero" then
  return answer("Suspended", ready, "Scaled to zero replicas")
end
local progressing = conditions["Progressing"]
if progressing ~= nil and progressing.status == "True" then
  return answer("Progressing", progressing, "The data plane is rolling out")
end
if ready ~= nil and ready.status == "True" then
  return answer("Healthy", ready, "Serving")
end
hs.status = "Progressing"
if ready ~= nil then
  hs.message = said(ready, "Waiting for the data plane to become Ready")
else
  hs.message = "Waiting for the data plane to become Ready"
end
return hs
