from flask import jsonify, render_template_string, request

from . import app
from .config import CHAT_URL_TEMPLATE, DEFAULT_MODEL_ID, DEFAULT_TEMPERATURE, IMAGE_URL
from .hub import send_to_hub

FORM = "<form method=post><input name=modelId><input name=temperature><textarea name=prompt></textarea></form>"


@app.route("/", methods=["GET", "POST"])
def index():
    if request.method == "GET":
        return render_template_string(FORM)
    # ionos-migrate: DEFAULT_MODEL_ID (b18b18de-92c3-466e-81a8-e5df91890091), from
    #   another module; a legacy request body ({"properties": {"input": ...}});
    #   CHAT_URL_TEMPLATE
    #   (https://inference.de-txl.ionos.com/models/{model_id}/predictions), from another
    #   module; a read of the legacy answer (a check for properties); a read of the
    #   legacy answer (a check for properties.output); a read of the legacy answer
    #   (properties.output): no request the tool can follow uses this here; see the
    #   ionos-migrate report
    model_id = request.form.get("modelId") or DEFAULT_MODEL_ID
    temperature = request.form.get("temperature") or DEFAULT_TEMPERATURE
    payload = {
        "type": "prediction",  # legacy: request body type
        "properties": {  # legacy: request body
            "input": request.form["prompt"],  # legacy: request body input
            "options": {"temperature": temperature, "max_length": "300"},  # legacy: request body options
        },
    }
    result = send_to_hub(CHAT_URL_TEMPLATE.format(model_id=model_id), payload)  # legacy: predictions call
    if "properties" in result and "output" in result["properties"]:  # legacy: answer key check
        return jsonify({"output": result["properties"]["output"]})  # legacy: answer read
    return jsonify(result), 502


@app.route("/image", methods=["POST"])
def image():
    payload = {
        "model": "black-forest-labs/FLUX.1-schnell",
        "prompt": request.get_json()["prompt"],
        "n": 1,
        "size": "1024x1024",
        "response_format": "b64_json",
    }
    result = send_to_hub(IMAGE_URL, payload)
    if "data" in result:
        return jsonify({"image": result["data"][0]["b64_json"]})
    return jsonify(result), 502
