BASE_URL = "https://inference.de-txl.ionos.com"  # legacy: legacy host
MODEL_ID = "b18b18de-92c3-466e-81a8-e5df91890091"  # legacy: model id
PREDICT_URL = f"{BASE_URL}/models/{MODEL_ID}/predictions"  # legacy: predictions URL
