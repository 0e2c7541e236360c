import streamlit as st

from chat.llm import complete
from chat.render import answer_text, usage_line

st.title("Ask the model")
question = st.text_input("Question")
if question:
    answer = complete(question)
    st.write(answer_text(answer))
    st.caption(usage_line(answer))
